using System.Collections.Generic;
using DiffusionDsl.Runtime.Blocks;
using DiffusionDsl.Runtime.Blocks.Adm;

namespace DiffusionDsl.Runtime.Networks;

/// <summary>
/// Builds an ADM network's block sequences from the <see cref="NetworkPlan"/>, as openaimodel.py's UNetModel groups
/// them: each residual block with its attention is one entry of input_blocks / output_blocks, a downsampling conv is
/// an entry of its own, an upsampling conv joins the decoder entry before it, and the middle blocks are one
/// middle_block (residual, attention, residual).
/// </summary>
internal static class AdmTopology
{
    public static (List<AdmSequence> Blocks, AdmSequence? Middle) Build(IEnumerable<BlockPlan> plans, int embeddingChannels, BlockOptions options)
    {
        var blocks = new List<AdmSequence>();
        AdmSequence? middle = null;
        foreach (var plan in plans)
        {
            switch (plan.Kind)
            {
                case BlockKind.Down:
                    blocks.Add(new AdmSequence().Add(new AdmDownsample(plan.InChannels)));
                    break;
                case BlockKind.Up:
                    if (blocks.Count == 0) blocks.Add(new AdmSequence());
                    blocks[^1].Add(new AdmUpsample(plan.InChannels));
                    break;
                case BlockKind.Middle:
                    middle ??= new AdmSequence();
                    AddResidual(middle, plan, embeddingChannels, options);
                    break;
                default:
                    blocks.Add(AddResidual(new AdmSequence(), plan, embeddingChannels, options));
                    break;
            }
        }
        return (blocks, middle);
    }

    private static AdmSequence AddResidual(AdmSequence sequence, BlockPlan plan, int embeddingChannels, BlockOptions options)
    {
        sequence.Add(new AdmResBlock(plan.InChannels, plan.OutChannels, embeddingChannels, options));
        if (plan.Attention) sequence.Add(new AdmAttention(plan.OutChannels, options));
        return sequence;
    }

    /// <summary>Registers sequences as "0", "1", ... from <paramref name="first"/> on, under one container (input_blocks, output_blocks).</summary>
    public static NamedModules Numbered(IEnumerable<TorchSharp.torch.nn.Module> modules, int first = 0)
    {
        var named = new NamedModules();
        int i = first;
        foreach (var module in modules) named.Add((i++).ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        return named;
    }
}
