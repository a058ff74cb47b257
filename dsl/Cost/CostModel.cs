using System.Linq;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Runtime.Networks;
using DiffusionDsl.Runtime.Staging;

namespace DiffusionDsl.Language.Cost;

/// <summary>
/// Counts parameters and multiply-accumulates of the DDPM++, NCSN++ (EDM SongUNet) and ADM layouts that
/// runtime/Networks builds: convolutions, linear layers and the attention matrix products.
/// Normalisation, activations, additions, softmax, pooling and NCSN++'s depthwise FIR resampling are not counted: a few percent of the total for narrow
/// networks (a reviewer's count on the exported modules: 2-5% per stage at the Fashion-MNIST study's width 16, under 0.5%
/// for the paper's CIFAR-10 configuration), and about the same share for every model of one width.
/// </summary>
public static class CostModel
{
    public static ModelCostTable Of(ModelSpec model)
    {
        var encoder = model.Encoder;
        var shared = new Tally();
        int emb = encoder.EmbeddingChannels;
        shared.Linear(encoder.NoiseChannels, emb, 1);
        shared.Linear(emb, emb, 1);
        if (encoder.AugmentDim > 0) shared.Linear(encoder.AugmentDim, encoder.NoiseChannels, 1, bias: false);
        shared.Conv(model.Image.Channels, encoder.StemWidth, 3, encoder.Levels[0].Resolution);
        int pyramid = model.Image.Channels;
        foreach (var block in NetworkPlan.Encoder(encoder))
        {
            shared.Block(block, emb);
            if (block.Kind != BlockKind.Down || !EncoderFamilies.HasResidualInput(encoder.FamilyKind)) continue;
            // NCSN++'s aux_residual: a 3x3 conv padded by 2 at the level above, so (2R + 2)^2 positions, then the filter.
            int above = 2 * block.Resolution + 2;
            shared.Conv(pyramid, block.OutChannels, 3, 1, positions: (double)above * above);
            pyramid = block.OutChannels;
        }

        var decoders = model.Decoders.Select(decoder =>
        {
            var tally = new Tally();
            foreach (var block in NetworkPlan.Decoder(encoder, decoder.Levels)) tally.Block(block, emb);
            int width = NetworkPlan.DecoderOutputWidth(encoder, decoder.Levels);
            tally.GroupNorm(width);
            tally.Conv(width, model.Image.Channels, 3, model.Image.Height);
            return tally;
        }).ToList();
        return new ModelCostTable(shared.Parameters, model.Stages.Select((stage, i) => new StageCost(
            stage.Name, decoders[i].Parameters, shared.Parameters + decoders[i].Parameters,
            System.Math.Round(2.0 * (shared.Macs + decoders[i].Macs) / 1e9, 4))).ToList());
    }

    private sealed class Tally
    {
        public long Parameters;
        public double Macs;

        public void Linear(int input, int output, int positions, bool bias = true)
        {
            Parameters += (long)input * output + (bias ? output : 0);
            Macs += (double)input * output * positions;
        }

        public void Conv(int input, int output, int kernel, int resolution, double? positions = null)
        {
            Parameters += (long)output * input * kernel * kernel + output;
            Macs += (double)output * input * kernel * kernel * (positions ?? (double)resolution * resolution);
        }

        public void GroupNorm(int channels) => Parameters += 2L * channels;

        /// <summary>
        /// EDM's UNetBlock or ADM's ResBlock: norm, conv, embedding affine, norm, conv, 1x1 skip projection, optional
        /// attention (ADM's AttentionBlock has the same layers); ADM's up/down blocks are one 3x3 conv.
        /// </summary>
        public void Block(BlockPlan block, int emb)
        {
            int input = block.InChannels, output = block.OutChannels, resolution = block.Resolution;
            if (block.PlainResample)
            {
                Conv(input, output, 3, resolution);
                return;
            }
            bool attention = block.Attention, resample = block.Resample;
            GroupNorm(input);
            Conv(input, output, 3, resolution);
            Linear(emb, output, 1);
            GroupNorm(output);
            Conv(output, output, 3, resolution);
            if (input != output || resample) Conv(input, output, 1, resolution);
            if (!attention) return;
            GroupNorm(output);
            Conv(output, 3 * output, 1, resolution);
            Conv(output, output, 1, resolution);
            double tokens = (double)resolution * resolution;
            Macs += 2 * tokens * tokens * output; // q^T k and the weighted sum of v, over all heads
        }
    }
}
