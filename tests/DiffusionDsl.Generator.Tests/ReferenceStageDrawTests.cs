using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using DiffusionDsl.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;
using static DiffusionDsl.Generator.Tests.ReferenceFixture;

namespace DiffusionDsl.Generator.Tests;

/// <summary>
/// The trainer draws a batch's stage and times as the paper's code does. scripts/reference/make_draw_fixture.py runs the
/// reference's own draws, 4,000 batches of 8 each: EDM's EDMMultistageLoss (one lognormal sigma picks the batch's stage,
/// then each sigma is rejection-sampled from the lognormal inside it) and score_sde's multistage loss (one stage picked
/// uniformly, then t uniform inside it). The runtime's TrainingTimeSampler draws as many from its own generator; the two
/// must agree in how often each stage is picked (a two-proportion z below 4.5) and in the distribution of the times
/// inside each stage (two-sample Kolmogorov-Smirnov at the 0.1% level). The seeds are fixed, so the test is
/// deterministic; a sampler with other odds or other in-stage times fails it (checked below).
/// </summary>
public class ReferenceStageDrawTests
{
    private const int Batches = 4000, Batch = 8;
    private const double MaxZ = 4.5, KsCoefficient = 1.95; // c(alpha) for alpha = 0.001
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public ReferenceStageDrawTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    [Fact]
    public void EdmDrawsAsTheReferencesEdmMultistageLoss()
    {
        var edm = new EdmSchedule();
        var stages = Stages(edm.TimeOfSigma(0.3), edm.TimeOfSigma(1.2));
        var reference = ReadBatches("edm-draws.safetensors", "sigma").Select(b => b.Select(edm.TimeOfSigma).ToArray()).ToList();

        var problems = Disagreements(reference, Draw(new TrainingTimeSampler(edm, stages, StageSampling.ScheduleProportional)), stages);
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // Other odds fail: one stage in three, or EDM's lognormal centred at -1.0 instead of -1.2.
        Assert.NotEmpty(Disagreements(reference, Draw(new TrainingTimeSampler(edm, stages, StageSampling.UniformStage)), stages, quiet: true));
        var shifted = new EdmSchedule(pMean: -1.0);
        Assert.NotEmpty(Disagreements(reference, Draw(new TrainingTimeSampler(shifted, stages, StageSampling.ScheduleProportional)), stages, quiet: true));
    }

    [Fact]
    public void VpDrawsAsTheReferencesScoreSdeMultistageLoss()
    {
        var vp = new VpSchedule();
        var stages = Stages(0.3, 0.6);
        var reference = ReadBatches("vp-draws.safetensors", "t");

        var problems = Disagreements(reference, Draw(new TrainingTimeSampler(vp, stages, StageSampling.UniformStage)), stages);
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // Odds by the stages' lengths (0.3, 0.3, 0.4) fail, and so does a batch whose samples each draw their own stage.
        Assert.NotEmpty(Disagreements(reference, Draw(new TrainingTimeSampler(vp, stages, StageSampling.ScheduleProportional)), stages, quiet: true));
        Assert.NotEmpty(Disagreements(reference, Draw(new TrainingTimeSampler(vp, stages, StageSampling.Mixed)), stages, quiet: true));
    }

    private static StageTable Stages(double t1, double t2) =>
        new(new[] { new StageInfo("near_data", 0, t1), new StageInfo("middle", t1, t2), new StageInfo("near_noise", t2, 1) });

    private static List<double[]> ReadBatches(string file, string name)
    {
        using var fixture = SafetensorsFile.Open(Fixture(file));
        using var values = fixture.Read(name).to_type(ScalarType.Float64);
        Assert.Equal(new long[] { Batches, Batch }, values.shape);
        var flat = values.data<double>().ToArray();
        return Enumerable.Range(0, Batches).Select(b => flat.AsSpan(b * Batch, Batch).ToArray()).ToList();
    }

    private static List<double[]> Draw(TrainingTimeSampler sampler)
    {
        var generator = new torch.Generator(31);
        var batches = new List<double[]>(Batches);
        for (int b = 0; b < Batches; b++)
        {
            using var t = sampler.Sample(Batch, generator);
            batches.Add(t.data<double>().ToArray());
        }
        return batches;
    }

    /// <summary>What differs between two sets of batches of times: mixed-stage batches, stage odds, in-stage distributions.</summary>
    private List<string> Disagreements(List<double[]> reference, List<double[]> ours, StageTable stages, bool quiet = false)
    {
        var problems = new List<string>();
        int[] StageOf(double[] batch) => batch.Select(t => stages.StageOf(t)).ToArray();
        var referenceStages = reference.Select(StageOf).ToList();
        var ourStages = ours.Select(StageOf).ToList();
        foreach (var (name, batches) in new[] { ("reference", referenceStages), ("ours", ourStages) })
        {
            int mixed = batches.Count(s => s.Any(k => k != s[0]));
            if (mixed > 0) problems.Add($"{name}: {mixed} batches mix stages");
        }
        for (int k = 0; k < stages.Count; k++)
        {
            double p1 = referenceStages.Count(s => s[0] == k) / (double)Batches, p2 = ourStages.Count(s => s[0] == k) / (double)Batches;
            double pooled = (p1 + p2) / 2, z = Math.Abs(p1 - p2) / Math.Sqrt(pooled * (1 - pooled) * 2.0 / Batches);
            double[] a = InStage(reference, referenceStages, k), b = InStage(ours, ourStages, k);
            double d = KolmogorovSmirnov(a, b), critical = KsCoefficient * Math.Sqrt((a.Length + b.Length) / ((double)a.Length * b.Length));
            if (!quiet) _output.WriteLine($"stage {k}: picked {p1:F4} (reference) vs {p2:F4}, z {z:F2}; in-stage KS D {d:F4} (n {a.Length}, {b.Length}; critical {critical:F4})");
            if (z > MaxZ) problems.Add($"stage {k}: picked in {p1:P2} of the reference's batches and {p2:P2} of ours (z = {z:F2})");
            if (d > critical) problems.Add($"stage {k}: in-stage times differ, KS D = {d:F4} > {critical:F4}");
        }
        return problems;
    }

    private static double[] InStage(List<double[]> batches, List<int[]> stageOf, int k) =>
        batches.Zip(stageOf).SelectMany(p => p.First.Where((_, i) => p.Second[i] == k)).OrderBy(t => t).ToArray();

    /// <summary>The largest gap between the two samples' empirical distribution functions (both sorted).</summary>
    private static double KolmogorovSmirnov(double[] a, double[] b)
    {
        if (a.Length == 0 || b.Length == 0) return a.Length == b.Length ? 0 : 1;
        int i = 0, j = 0;
        double d = 0;
        while (i < a.Length && j < b.Length)
        {
            double x = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= x) i++;
            while (j < b.Length && b[j] <= x) j++;
            d = Math.Max(d, Math.Abs(i / (double)a.Length - j / (double)b.Length));
        }
        return d;
    }
}
