using System.IO;
using System.Linq;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Runtime.Networks;

namespace DiffusionDsl.Language.Tests;

/// <summary>`encoder adm`: the defaults the family sets (ADM's GroupNorm32, 32 channels per head, the bottleneck in the encoder) and its errors.</summary>
public class AdmFamilyTests
{
    /// <summary>A 1x16x16 two-stage model whose widths suit GroupNorm32 (multiples of 32).</summary>
    private static string Source(string encoderLines = "attention at 8", string decoders = "decoder a { width 64 }\n  decoder b { width 32 }") => $@"model Tiny {{
  image 1x16x16
  diffusion scaled_linear(beta_start = 0.0015, beta_end = 0.0195, steps = 1000)
  stages {{
    a [0, 0.5)
    b [0.5, 1]
  }}
  encoder adm {{
    width 32  mult [1, 2]  blocks 1
    {encoderLines}
  }}
  {decoders}
}}
";

    [Fact]
    public void AdmDefaultsToGroupNorm32ThirtyTwoChannelsPerHeadAndTheBottleneckInTheEncoder()
    {
        var compilation = MsdCompiler.CompileUnguarded(Source());
        Assert.Empty(compilation.Diagnostics);
        var encoder = compilation.Model!.Encoder;
        Assert.Equal(EncoderFamily.Adm, encoder.FamilyKind);
        Assert.Equal((32, 32, true), (encoder.Groups, encoder.HeadChannels, encoder.MiddleInEncoder));
        Assert.Equal(2, encoder.HeadsFor(64));
    }

    [Fact]
    public void WrittenHeadsFixTheCountAsForTheOtherFamilies()
    {
        var encoder = MsdCompiler.CompileUnguarded(Source("attention at 8 heads 4")).Model!.Encoder;
        Assert.Equal((4, 0, 4), (encoder.Heads, encoder.HeadChannels, encoder.HeadsFor(64)));
    }

    [Fact]
    public void AWidthThatIsNotAMultipleOfTheHeadChannelsIsRefusedAtTheAttention()
    {
        var compilation = MsdCompiler.CompileUnguarded(Source("attention at 8\n    level 16 { width 32  blocks 1 }\n    level 8 { width 48  blocks 1 }")
            .Replace("width 32  mult [1, 2]  blocks 1", "width 32"));
        var error = Assert.Single(compilation.Diagnostics, d => d.Id == DiagnosticIds.HeadsDoNotDivideWidth);
        Assert.Contains("32 channels per attention head do not divide", error.Message);
    }

    [Fact]
    public void MiddleDecoderIsRefusedNamingTheEncoder()
    {
        var compilation = MsdCompiler.CompileUnguarded(Source("attention at 8\n    middle decoder"));
        var error = Assert.Single(compilation.Diagnostics);
        Assert.Equal(DiagnosticIds.IncompatibleSettings, error.Id);
        Assert.Contains("in the encoder", error.Message);
    }

    /// <summary>ADM's up/down convs have no norms, so only the residual blocks' widths meet GroupNorm32.</summary>
    [Fact]
    public void ResamplingIsOnePlainConvInTheCostModel()
    {
        var adm = MsdCompiler.CompileUnguarded(Source()).Cost!;
        // Encoder: time_embed 32->128->128; stem 1->32; level 16: ResBlock 32->32; down conv 32 (3x3); level 8: ResBlock
        // 32->64 with its 1x1 skip and attention; middle: ResBlock, attention, ResBlock at 64.
        static long Conv(long i, long o, long k) => o * i * k * k + o;
        static long Res(long i, long o) => 2 * i + Conv(i, o, 3) + 128 * o + o + 2 * o + Conv(o, o, 3) + (i != o ? Conv(i, o, 1) : 0);
        static long Attention(long c) => 2 * c + Conv(c, 3 * c, 1) + Conv(c, c, 1);
        long shared = (32 * 128 + 128) + (128 * 128 + 128) + Conv(1, 32, 3) + Res(32, 32) + Conv(32, 32, 3) + Res(32, 64) + Attention(64)
                      + Res(64, 64) + Attention(64) + Res(64, 64);
        Assert.Equal(shared, adm.SharedParameters);
    }

    /// <summary>
    /// The paper's LDM configuration (examples/LatentPaper/CelebAHqLatentMultistage.msd) has the parameter counts of the
    /// reference's UNetModel_multistage built from its CelebA-HQ config (scripts/reference/make_adm_fixture.py prints
    /// them: run on PyTorch 1.13).
    /// </summary>
    [Fact]
    public void PaperLdmConfigurationHasTheReferenceParameterCounts()
    {
        var compilation = MsdCompiler.CompileUnguarded(File.ReadAllText(Path.Combine("Examples", "LatentPaper", "CelebAHqLatentMultistage.msd")));
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        var cost = compilation.Cost!;
        Assert.Equal(107_911_776, cost.SharedParameters);
        Assert.Equal(new long[] { 208_055_363, 115_918_147, 61_956_163 }, cost.Stages.Select(s => s.DecoderParameters).ToArray());
        Assert.Equal(493_841_449, cost.TotalParameters);
    }

    /// <summary>Its train section is the reference's recipe: each step trains every stage once (one per GPU), AdamW's 0.01, no warm-up or clipping.</summary>
    [Fact]
    public void PaperLdmConfigurationTrainsEveryStageEveryStepAsTheReferencesGpusDo()
    {
        var model = MsdCompiler.CompileUnguarded(File.ReadAllText(Path.Combine("Examples", "LatentPaper", "CelebAHqLatentMultistage.msd"))).Model!;
        var train = model.Train;
        Assert.Equal((48, 3, DiffusionDsl.Runtime.Training.StageSampling.Cyclic), (train.Batch, train.StageGroups, train.StageSampling));
        Assert.Equal((2e-6, 0.01, 0, 0.0, 0.9999), (train.LearningRate, train.WeightDecay, train.Warmup, train.GradClip, train.Ema));
        Assert.True(model.Schedule.SqrtSpacedBetas);
    }
}
