using System;
using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Hosting;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using DiffusionDsl.Runtime.Training;

namespace PaperComparisons;

/// <summary>One model of the study: how to build it, what it costs, and the .msd recipe it trains and samples with.</summary>
public sealed record StudyModel(string Key, string Label, MsdModelInfo Recipe, StageTable Stages, ModelCostTable Cost, Func<IMultistageModel> Create)
{
    public INoiseSchedule Schedule { get; } = ScheduleOf(Recipe);

    /// <summary>
    /// Expected training GFLOPs of one step: batch x 3 (forward + backward) x the forward GFLOPs averaged over the
    /// stages with the odds the stage sampling gives them.
    /// </summary>
    public double GFlopsPerStep()
    {
        var odds = new TrainingTimeSampler(Schedule, Stages, Recipe.TrainDefaults.StageSampling).StageOdds();
        double perImage = odds.Zip(Cost.Stages, (p, c) => p * c.GFlops).Sum();
        return Recipe.TrainDefaults.BatchSize * TrainingCompute.ForwardAndBackward * perImage;
    }

    /// <summary>Forward GFLOPs per image averaged over t (the cost of one network evaluation at a uniform t).</summary>
    public double GFlopsPerImage() => Stages.Stages.Zip(Cost.Stages, (s, c) => (s.End - s.Start) * c.GFlops).Sum();

    private static INoiseSchedule ScheduleOf(MsdModelInfo info)
    {
        using var model = info.Create();
        return model.Schedule;
    }
}

/// <summary>The paper's three comparisons, as Fashion-MNIST analogues of its Tables 2, 3 and 4.</summary>
public static class Study
{
    public static readonly StudyModel Multistage = FromMsd("multistage", "multistage 20/12/8 (optimal-denoiser boundaries)", PaperComparisons.MultistageNet.Info);
    /// <summary>
    /// The multistage model trained as the reference code trains it on several GPUs: each of 4 groups of 8 images draws
    /// its own stage (stage_groups 4), so a step trains up to 3 decoders instead of 1, at the same compute.
    /// </summary>
    public static readonly StudyModel MultistageGroups = FromMsd("groups", "multistage 20/12/8, 4 stage draws per step",
        PaperComparisons.MultistageNet.Info with { TrainDefaults = PaperComparisons.MultistageNet.Info.TrainDefaults with { StageGroups = 4 } });
    public static readonly StudyModel Unified = FromMsd("unified", "unified 16", PaperComparisons.UnifiedNet.Info);
    public static readonly StudyModel Separate = new(
        "separate", "separate networks 16 x 3", PaperComparisons.UnifiedNet.Info with { Name = "Separate" }, PaperComparisons.MultistageNet.Info.Table,
        SeparateNetworks.CostOf(PaperComparisons.MultistageNet.Info.Table, PaperComparisons.UnifiedNet.Info.Cost), () => new SeparateNetworks(PaperComparisons.MultistageNet.Info.Table, PaperComparisons.UnifiedNet.Info.Create, PaperComparisons.UnifiedNet.Info.Cost));
    public static readonly StudyModel EqualDecoders = FromMsd("equal", "decoders 16/16/16", PaperComparisons.EqualDecodersNet.Info);
    public static readonly StudyModel ReversedDecoders = FromMsd("reversed", "decoders 8/12/20", PaperComparisons.ReversedDecodersNet.Info);
    public static readonly StudyModel UniformBoundaries = FromMsd("uniform", "uniform boundaries 0.333/0.667", PaperComparisons.UniformBoundariesNet.Info);
    public static readonly StudyModel LogSnrBoundaries = FromMsd("logsnr", "log-SNR boundaries 0.348/0.709", PaperComparisons.LogSnrBoundariesNet.Info);


    // The tables again with the stage draws of the reference's DPM-Solver code, where the paper's ablations come from.
    // A one-stage model draws its one stage either way: its -even runs are the unified baseline trained by this trainer.
    public static readonly StudyModel MultistageEven = EvenDraws(Multistage);
    public static readonly StudyModel UnifiedEven = EvenDraws(Unified);
    public static readonly StudyModel SeparateEven = EvenDraws(Separate);
    public static readonly StudyModel EqualDecodersEven = EvenDraws(EqualDecoders);
    public static readonly StudyModel ReversedDecodersEven = EvenDraws(ReversedDecoders);
    public static readonly StudyModel UniformBoundariesEven = EvenDraws(UniformBoundaries);
    public static readonly StudyModel LogSnrBoundariesEven = EvenDraws(LogSnrBoundaries);

    public static readonly IReadOnlyList<StudyModel> Models =
        new[] { Multistage, Unified, Separate, EqualDecoders, ReversedDecoders, UniformBoundaries, LogSnrBoundaries, MultistageGroups,
                MultistageEven, UnifiedEven, SeparateEven, EqualDecodersEven, ReversedDecodersEven, UniformBoundariesEven, LogSnrBoundariesEven };

    /// <summary>Each table's models; the baseline's final FD is the quality the others are timed to reach.</summary>
    public static readonly IReadOnlyList<(string Title, string Question, StudyModel Baseline, StudyModel[] Models)> Tables = new[]
    {
        ("Table 2 analogue: architecture", "multistage vs unified vs fully separate networks", Unified, new[] { Multistage, MultistageGroups, Unified, Separate }),
        ("Table 3 analogue: decoder widths", "wide near the data vs equal vs wide near the noise (shared encoder, same boundaries)", EqualDecoders,
            new[] { Multistage, EqualDecoders, ReversedDecoders }),
        ("Table 4 analogue: boundaries", "optimal-denoiser vs uniform vs log-SNR boundaries (same decoders 20/12/8)", UniformBoundaries,
            new[] { Multistage, UniformBoundaries, LogSnrBoundaries }),
        ("Table 2 analogue, even stage draws: architecture",
            "as above, with every stage drawn with probability 1/3 as the reference's DPM-Solver code draws them",
            UnifiedEven, new[] { MultistageEven, UnifiedEven, SeparateEven }),
        ("Table 3 analogue, even stage draws: decoder widths",
            "as above, with every stage drawn with probability 1/3 as the reference's DPM-Solver code draws them, so every model trains the same steps",
            EqualDecodersEven, new[] { MultistageEven, EqualDecodersEven, ReversedDecodersEven }),
        ("Table 4 analogue, even stage draws: boundaries",
            "as above, with every stage drawn with probability 1/3 as the reference's DPM-Solver code draws them, so every model trains the same steps",
            UniformBoundariesEven, new[] { MultistageEven, UniformBoundariesEven, LogSnrBoundariesEven }),
    };

    public static StudyModel ByKey(string key) =>
        Models.FirstOrDefault(m => m.Key == key) ?? throw new ArgumentException($"No model '{key}' in the study ({string.Join(", ", Models.Select(m => m.Key))}).");

    /// <summary>
    /// The model with each stage drawn with probability 1/3 (`stage_sampling uniform`), as the reference's DPM-Solver code
    /// trains: an image then costs the mean of the stages' costs, whichever decoder sits in the long stage.
    /// </summary>
    private static StudyModel EvenDraws(StudyModel model) => model with
    {
        Key = model.Key + "-even",
        Label = model.Label + ", even stage draws",
        Recipe = model.Recipe with { TrainDefaults = model.Recipe.TrainDefaults with { StageSampling = StageSampling.UniformStage } },
    };

    private static StudyModel FromMsd(string key, string label, MsdModelInfo info) =>
        new(key, label, info, info.Table, info.Cost, () => info.Create());
}
