using System;
using System.Globalization;
using System.Linq;
using System.Text;
using DiffusionDsl.Language.Semantics;

namespace DiffusionDsl.Language;

/// <summary>
/// The hash a generated model and its checkpoints carry: of what the weights mean, not of the .msd's text. It covers the
/// image, the noise schedule and prediction target, the stages (names and boundaries: a decoder's weights are named by
/// its stage and trained on its times) and the encoder's and decoders' shapes. Comments, layout, the namespace, the
/// model's name, dropout and the train and sample sections are left out, so editing them (say, more steps to go on
/// training) keeps a run's checkpoints loadable.
/// </summary>
public static class ModelHash
{
    public static string Of(ModelSpec model)
    {
        var text = new StringBuilder();
        void Line(params object[] parts) => text.Append(string.Join(" ", parts.Select(Format))).Append('\n');

        Line("image", model.Image.Channels, model.Image.Height, model.Image.Width);
        var s = model.Schedule;
        Line("schedule", s.Kind, s.BetaMin, s.BetaMax, s.BetaStart, s.BetaEnd, s.Steps, s.CosineOffset, s.SigmaMin, s.SigmaMax, s.Rho, s.PMean, s.PStd, s.SigmaData);
        if (s.SqrtSpacedBetas) Line("betas", "sqrt-spaced"); // only when set: older models keep their hashes
        Line("predicts", model.Prediction);
        foreach (var stage in model.Stages) Line("stage", stage.Name, stage.Start, stage.End);
        var e = model.Encoder;
        Line("encoder", e.Family, e.StemWidth, e.Embedding, e.NoiseChannels, e.EmbeddingChannels, e.AugmentDim, e.Groups, e.MaxGroups, e.Heads, e.MiddleInEncoder);
        // Written only when set, so the hashes (and checkpoints) of models from before it stay valid.
        if (e.HeadChannels > 0) Line("head_channels", e.HeadChannels);
        foreach (var level in e.Levels) Line("level", level.Resolution, level.Width, level.Blocks, level.Attention);
        foreach (var decoder in model.Decoders)
        {
            Line("decoder", decoder.Stage);
            foreach (var level in decoder.Levels) Line("level", level.Resolution, level.Width, level.Blocks, level.Attention);
        }
        return SourceHash.Of(text.ToString());
    }

    private static string Format(object value) => value switch
    {
        double d => Emitting.RoundTripNumber.Format(d),
        bool b => b ? "1" : "0",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
