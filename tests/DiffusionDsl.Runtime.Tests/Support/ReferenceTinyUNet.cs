using DiffusionDsl.Runtime.Blocks;
using DiffusionDsl.Runtime.Networks;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;

namespace DiffusionDsl.Runtime.Tests.Support;

/// <summary>
/// The configuration of the reference fixtures (scripts/reference/make_checkpoint_fixtures.py): 1x8x8, encoder 4
/// wide at 8x8 and 8 at 4x4 with attention at 4x4, one block per level, embedding 16, decoders 8 / 4 / 4 wide; or,
/// with one stage, the unified SongUNet whose decoder has the encoder's widths.
/// </summary>
internal sealed class ReferenceTinyUNet : MultistageUNet
{
    private static readonly StageTable ThreeStages = new(new[]
    {
        new StageInfo("near_data", 0, 0.442), new StageInfo("middle", 0.442, 0.631), new StageInfo("near_noise", 0.631, 1),
    });

    private static readonly StageTable OneStage = new(new[] { new StageInfo("unified", 0, 1) });

    public static EncoderLayout Encoder { get; } = new(
        InChannels: 1, StemWidth: 4, Levels: new[] { new Level(8, 4, 1), new Level(4, 8, 1, Attention: true) },
        EmbeddingChannels: 16, MaxGroups: GroupNormRule.PaperMaxGroups);

    private static DecoderLayout Decoder(int width) => new(new[] { new Level(4, 2 * width, 2, Attention: true), new Level(8, width, 2) }, OutChannels: 1);

    public SharedEncoder SharedEncoder { get; }

    public ReferenceTinyUNet(bool unified = false) : base(nameof(ReferenceTinyUNet), new VpSchedule(), unified ? OneStage : ThreeStages)
    {
        SharedEncoder = new SharedEncoder(Encoder);
        if (unified) Wire(SharedEncoder, new StageDecoder(Encoder, Decoder(4)));
        else Wire(SharedEncoder, new StageDecoder(Encoder, Decoder(8)), new StageDecoder(Encoder, Decoder(4)), new StageDecoder(Encoder, Decoder(4)));
    }
}
