using TorchSharp;
using DiffusionDsl.Runtime.Blocks;

namespace DiffusionDsl.Runtime.Networks;

/// <summary>SongUNet's bottleneck: two blocks at the encoder's width, the first with attention.</summary>
internal static class MiddleBlocks
{
    public static void AddTo(TorchSharp.Modules.ModuleList<UNetBlock> list, int channels, int embedding, BlockOptions options)
    {
        list.Add(new UNetBlock(channels, channels, embedding, options, attention: true));
        list.Add(new UNetBlock(channels, channels, embedding, options));
    }
}
