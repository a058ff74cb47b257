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
    public static readonly StudyModel MultistageRef = ReferenceDraws(Multistage);
    public static readonly StudyModel UnifiedRef = ReferenceDraws(Unified);
    public static readonly StudyModel SeparateRef = ReferenceDraws(Separate);
    public static readonly StudyModel EqualDecodersRef = ReferenceDraws(EqualDecoders);
    public static readonly StudyModel ReversedDecodersRef = ReferenceDraws(ReversedDecoders);
    public static readonly StudyModel UniformBoundariesRef = ReferenceDraws(UniformBoundaries);
    public static readonly StudyModel LogSnrBoundariesRef = ReferenceDraws(LogSnrBoundaries);

    public static readonly IReadOnlyList<StudyModel> Models =
        new[] { Multistage, Unified, Separate, EqualDecoders, ReversedDecoders, UniformBoundaries, LogSnrBoundaries, MultistageGroups,
                MultistageRef, UnifiedRef, SeparateRef, EqualDecodersRef, ReversedDecodersRef, UniformBoundariesRef, LogSnrBoundariesRef };

    private const string ArchitectureQuestion = "multistage vs unified vs fully separate networks";
    private const string DecoderQuestion = "wide near the data vs equal vs wide near the noise (shared encoder, same boundaries)";
    private const string BoundaryQuestion = "optimal-denoiser vs uniform vs log-SNR boundaries (same decoders 20/12/8)";
    // Said in full, not "as above": a report of the -ref runs alone has no table above.
    private const string WithReferenceDraws =
        ", with the stages drawn as the reference's DPM-Solver code draws them (two draws per step, each stage with probability 1/3)";

    /// <summary>Each table's models; the baseline's final FD is the quality the others are timed to reach.</summary>
    public static readonly IReadOnlyList<(string Title, string Question, StudyModel Baseline, StudyModel[] Models)> Tables = new[]
    {
        ("Table 2 analogue: architecture", ArchitectureQuestion, Unified, new[] { Multistage, MultistageGroups, Unified, Separate }),
        ("Table 3 analogue: decoder widths", DecoderQuestion, EqualDecoders,
            new[] { Multistage, EqualDecoders, ReversedDecoders }),
        ("Table 4 analogue: boundaries", BoundaryQuestion, UniformBoundaries,
            new[] { Multistage, UniformBoundaries, LogSnrBoundaries }),
        ("Table 2 analogue, the reference's stage draws: architecture",
            ArchitectureQuestion + WithReferenceDraws,
            UnifiedRef, new[] { MultistageRef, UnifiedRef, SeparateRef }),
        ("Table 3 analogue, the reference's stage draws: decoder widths",
            DecoderQuestion + WithReferenceDraws + ", so every model trains the same steps",
            EqualDecodersRef, new[] { MultistageRef, EqualDecodersRef, ReversedDecodersRef }),
        ("Table 4 analogue, the reference's stage draws: boundaries",
            BoundaryQuestion + WithReferenceDraws + ", so every model trains the same steps",
            UniformBoundariesRef, new[] { MultistageRef, UniformBoundariesRef, LogSnrBoundariesRef }),
    };

    public static StudyModel ByKey(string key) =>
        Models.FirstOrDefault(m => m.Key == key) ?? throw new ArgumentException($"No model '{key}' in the study ({string.Join(", ", Models.Select(m => m.Key))}).");

    /// <summary>
    /// The model drawn as the reference's DPM-Solver code trains it (`torchrun --nproc_per_node=2`, batch 128): each of the
    /// two processes draws its own stage, each with probability 1/3 (`losses.py`, unseeded `random.randint` per rank), and
    /// DDP averages their gradients. Here: `stage_sampling uniform` with `stage_groups 2`. An image then costs the mean of
    /// the stages' costs, whichever decoder sits in the long stage, so equal compute buys equal steps.
    /// </summary>
    private static StudyModel ReferenceDraws(StudyModel model) => model with
    {
        Key = model.Key + "-ref",
        Label = model.Label + ", reference draws",
        Recipe = model.Recipe with
        {
            TrainDefaults = model.Recipe.TrainDefaults with { StageSampling = StageSampling.UniformStage, StageGroups = ReferenceStageGroups },
        },
    };

    public static bool DrawsAsReference(StudyModel model) => model.Key.EndsWith("-ref", StringComparison.Ordinal);

    /// <summary>The reference's DPM-Solver training command runs two processes, each drawing its batch's stage.</summary>
    public const int ReferenceStageGroups = 2;

    private static StudyModel FromMsd(string key, string label, MsdModelInfo info) =>
        new(key, label, info, info.Table, info.Cost, () => info.Create());
}
