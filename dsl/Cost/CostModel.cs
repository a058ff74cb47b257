using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Semantics;

namespace DiffusionDsl.Language.Cost;

/// <summary>
/// Counts parameters and multiply-accumulates of the DDPM++ (EDM SongUNet) layout that
/// runtime/Networks builds: convolutions, linear layers and the attention matrix products.
/// Normalisation and element-wise work is not counted (under 0.03% of the total).
/// </summary>
public static class CostModel
{
    public static ModelCost Of(ModelSpec model)
    {
        var encoder = model.Encoder;
        var shared = new Tally();
        int emb = encoder.EmbeddingChannels;
        shared.Linear(encoder.NoiseChannels, emb, 1);
        shared.Linear(emb, emb, 1);
        if (encoder.AugmentDim > 0) shared.Linear(encoder.AugmentDim, encoder.NoiseChannels, 1, bias: false);

        var skips = new Stack<int>();
        int channels = model.Image.Channels;
        for (int i = 0; i < encoder.Levels.Count; i++)
        {
            var level = encoder.Levels[i];
            if (i == 0) { shared.Conv(channels, encoder.StemWidth, 3, level.Resolution); channels = encoder.StemWidth; }
            else shared.Block(channels, channels, emb, level.Resolution, attention: false, resample: true, encoder.Heads);
            skips.Push(channels);
            for (int b = 0; b < level.Blocks; b++)
            {
                shared.Block(channels, level.Width, emb, level.Resolution, level.Attention, resample: false, encoder.Heads);
                channels = level.Width;
                skips.Push(channels);
            }
        }
        if (encoder.MiddleInEncoder) Middle(shared, channels, emb, encoder);

        var decoders = model.Decoders.Select(d => Decoder(d, channels, new Stack<int>(skips.Reverse()), emb, model, encoder)).ToList();
        return new ModelCost(
            shared.Parameters,
            decoders.Select(d => d.Parameters).ToEquatableArray(),
            decoders.Select(d => shared.Parameters + d.Parameters).ToEquatableArray(),
            decoders.Select(d => System.Math.Round(2.0 * (shared.Macs + d.Macs) / 1e9, 4)).ToEquatableArray());
    }

    private static Tally Decoder(DecoderSpec decoder, int channels, Stack<int> skips, int emb, ModelSpec model, EncoderSpec encoder)
    {
        var tally = new Tally();
        if (!encoder.MiddleInEncoder) Middle(tally, channels, emb, encoder);
        for (int i = 0; i < decoder.Levels.Count; i++)
        {
            var level = decoder.Levels[i];
            if (i > 0) tally.Block(channels, channels, emb, level.Resolution, attention: false, resample: true, encoder.Heads);
            for (int b = 0; b < level.Blocks; b++)
            {
                tally.Block(channels + skips.Pop(), level.Width, emb, level.Resolution, level.Attention && b == level.Blocks - 1, resample: false, encoder.Heads);
                channels = level.Width;
            }
        }
        tally.GroupNorm(channels);
        tally.Conv(channels, model.Image.Channels, 3, model.Image.Height);
        return tally;
    }

    /// <summary>The two bottleneck blocks at the encoder's width, the first with attention.</summary>
    private static void Middle(Tally tally, int channels, int emb, EncoderSpec encoder)
    {
        int resolution = encoder.Levels[encoder.Levels.Count - 1].Resolution;
        tally.Block(channels, channels, emb, resolution, attention: true, resample: false, encoder.Heads);
        tally.Block(channels, channels, emb, resolution, attention: false, resample: false, encoder.Heads);
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

        public void Conv(int input, int output, int kernel, int resolution)
        {
            Parameters += (long)output * input * kernel * kernel + output;
            Macs += (double)output * input * kernel * kernel * resolution * resolution;
        }

        public void GroupNorm(int channels) => Parameters += 2L * channels;

        /// <summary>EDM's UNetBlock: norm, conv, embedding affine, norm, conv, 1x1 skip projection, optional attention.</summary>
        public void Block(int input, int output, int emb, int resolution, bool attention, bool resample, int heads)
        {
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
