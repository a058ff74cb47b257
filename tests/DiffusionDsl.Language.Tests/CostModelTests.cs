using System.IO;
using System.Linq;
using DiffusionDsl.Language;

namespace DiffusionDsl.Language.Tests;

public class CostModelTests
{
    private static MsdCompilation CompileModel(string file) => MsdCompiler.CompileUnguarded(File.ReadAllText(Path.Combine("Models", file)));

    [Fact]
    public void PaperCifar10ConfigurationHasTheReferenceParameterCounts()
    {
        var compilation = CompileModel("Cifar10Multistage.msd");
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        var cost = compilation.Cost!;
        // Figures measured on the reference code (shared/reference/multistage-paper.md).
        Assert.Equal(19_632_768, cost.SharedParameters);
        Assert.Equal(new long[] { 68_284_547, 36_101_123, 4_774_947 }, cost.Stages.Select(s => s.DecoderParameters).ToArray());
        Assert.Equal(128_793_385, cost.TotalParameters);
        Assert.Equal(55_733_891, cost.Stages[1].ActiveParameters);
    }

    /// <summary>
    /// The same configuration as NCSN++ (EDM's --arch=ncsnpp options in the reference's MultistageUNet): its residual
    /// input pyramid and its Fourier features at twice the width add 663,936 shared parameters; the decoders are DDPM++'s.
    /// Counted by the reference code (networks.py, PyTorch 1.13); its unified NCSN++ network (SongUNet) has 56,397,827.
    /// </summary>
    [Fact]
    public void PaperCifar10ConfigurationAsNcsnppHasTheReferenceParameterCounts()
    {
        var text = File.ReadAllText(Path.Combine("Models", "Cifar10Multistage.msd"))
            .Replace("encoder ddpmpp", "encoder ncsnpp").Replace("embedding positional 512", "embedding fourier 512");
        var compilation = MsdCompiler.CompileUnguarded(text);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        var cost = compilation.Cost!;
        Assert.Equal(20_296_704, cost.SharedParameters);
        Assert.Equal(new long[] { 68_284_547, 36_101_123, 4_774_947 }, cost.Stages.Select(s => s.DecoderParameters).ToArray());
        Assert.Equal(129_457_321, cost.TotalParameters);
        Assert.Equal(56_397_827, cost.Stages[1].ActiveParameters);
        Assert.Equal(256, compilation.Model!.Encoder.NoiseChannels);
    }

    /// <summary>
    /// The paper's VP configuration (examples/Cifar10Paper/Cifar10MultistageVp.msd) has the parameter counts of the
    /// reference's score_sde NCSNpp_multimodel built from its multistage CIFAR-10 config (counted by running it, PyTorch 1.13).
    /// </summary>
    [Fact]
    public void PaperCifar10VpConfigurationHasTheScoreSdeParameterCounts()
    {
        var compilation = MsdCompiler.CompileUnguarded(File.ReadAllText(Path.Combine("Examples", "Cifar10Paper", "Cifar10MultistageVp.msd")));
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        var cost = compilation.Cost!;
        Assert.Equal(43_482_624, cost.SharedParameters);
        Assert.Equal(new long[] { 125_995_843, 64_038_787, 3_652_083 }, cost.Stages.Select(s => s.DecoderParameters).ToArray());
        Assert.Equal(237_169_337, cost.TotalParameters);
    }

    [Fact]
    public void PaperCifar10GFlopsAgreeWithTheReferenceWithinOneHundredth()
    {
        var cost = CompileModel("Cifar10Multistage.msd").Cost!;
        var reference = new[] { 71.51, 42.39, 15.45 };
        for (int i = 0; i < 3; i++) Assert.InRange(cost.Stages[i].GFlops, reference[i] - 0.015, reference[i] + 0.015);
    }

    [Fact]
    public void SigmaBoundariesBecomeTheSameTimesTheScheduleGives()
    {
        var model = CompileModel("Cifar10Multistage.msd").Model!;
        Assert.Equal(0, model.Stages[0].Start);
        Assert.Equal(2.5103, model.Schedule.Sigma(model.Stages[0].End), 6);
        Assert.Equal(7.6577, model.Schedule.Sigma(model.Stages[1].End), 6);
        Assert.Equal(1, model.Stages[2].End);
    }

    [Fact]
    public void SigmaBoundariesAreKeptAsWrittenBesideTheTimes()
    {
        var model = CompileModel("Cifar10Multistage.msd").Model!;
        Assert.Equal(new[] { (0.002, 2.5103), (2.5103, 7.6577), (7.6577, 80.0) },
            model.Stages.Select(s => (s.Sigma!.Start, s.Sigma.End)).ToArray());
    }

    [Fact]
    public void StagesInTimeCarryNoSigma()
    {
        var model = MsdCompiler.CompileUnguarded(File.ReadAllText(Path.Combine("Examples", "QuickStart", "FashionQuickStart.msd"))).Model!;
        Assert.All(model.Stages, s => Assert.Null(s.Sigma));
    }
}
