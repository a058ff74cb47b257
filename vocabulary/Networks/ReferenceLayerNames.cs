namespace DiffusionDsl.Runtime.Networks;

/// <summary>
/// SongUNet's layer keys (EDM networks.py), e.g. "32x32_conv", "16x16_down", "16x16_block3", "8x8_in0",
/// "32x32_aux_norm". The encoder and decoders use them so that state_dict keys read like the reference's.
/// </summary>
public static class ReferenceLayerNames
{
    public static string Stem(int resolution) => $"{Res(resolution)}_conv";
    public static string Down(int resolution) => $"{Res(resolution)}_down";
    public static string Up(int resolution) => $"{Res(resolution)}_up";
    public static string Block(int resolution, int index) => $"{Res(resolution)}_block{index}";
    public static string Middle(int resolution, int index) => $"{Res(resolution)}_in{index}";
    public static string OutputNorm(int resolution) => $"{Res(resolution)}_aux_norm";
    public static string OutputConv(int resolution) => $"{Res(resolution)}_aux_conv";
    /// <summary>NCSN++'s residual input pyramid: the conv that carries the image down to a level (encoder_type 'residual').</summary>
    public static string InputResidual(int resolution) => $"{Res(resolution)}_aux_residual";

    /// <summary>A planned block's name: enc/dec.{R}x{R}_block{i}, _down, _up or _in{i}.</summary>
    public static string Of(BlockPlan block) => block.Kind switch
    {
        BlockKind.Down => Down(block.Resolution),
        BlockKind.Up => Up(block.Resolution),
        BlockKind.Middle => Middle(block.Resolution, block.Index),
        _ => Block(block.Resolution, block.Index),
    };

    private static string Res(int resolution) => $"{resolution}x{resolution}";
}
