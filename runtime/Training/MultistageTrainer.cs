using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using DiffusionDsl.Runtime.Training.Augmentation;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// Trains a multistage model: stage-aware time sampling, optional per-stage loss weights, AdamW with warm-up,
/// gradient clipping and accumulation, EMA, seeded randomness, atomic checkpoints and exact resume.
/// </summary>
public sealed class MultistageTrainer : IDisposable
{
    private readonly Denoiser _denoiser;
    private readonly TrainingTimeSampler _times;
    private readonly AdamW _optimizer;
    private readonly Generator _generator;
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly Tensor? _stageWeights;
    private readonly Device _device;
    private readonly EdmAugmentPipe? _augment;
    private IBatchSource? _data;
    private byte[]? _dataStateToRestore;
    private readonly long[] _stageSamples;

    public IMultistageModel Model { get; }
    public TrainOptions Options { get; }
    public ParameterEma Ema { get; }
    /// <summary>The output folder and its policy (resume, refusing an earlier run).</summary>
    public RunFolder Run { get; }
    public CheckpointDirectory Checkpoints => Run.Checkpoints;
    public long Step { get; private set; }

    /// <summary>The optimizer and the parameters it steps, in its order; for tests that inspect its state.</summary>
    internal AdamW Optimizer => _optimizer;
    internal IReadOnlyList<Parameter> Parameters => _parameters;
    public string? LastCheckpoint { get; private set; }

    /// <summary>Training samples drawn in each stage so far (over the whole run: checkpoints keep the counts).</summary>
    public IReadOnlyList<long> StageSamples => _stageSamples.ToArray();

    /// <summary>Training images seen so far: the sum of <see cref="StageSamples"/>, Step x BatchSize.</summary>
    public long ImagesSeen => _stageSamples.Sum();

    /// <summary>Training GFLOPs so far (<see cref="TrainingCompute.GFlops"/>), or null when the model has no cost table.</summary>
    public double? TrainGFlops => Model.Cost is { } cost ? TrainingCompute.GFlops(cost, _stageSamples) : null;

    /// <summary>Raised after every optimizer step.</summary>
    public event Action<TrainStepInfo>? StepCompleted;

    /// <summary>Raised after a checkpoint is written, with its path.</summary>
    public event Action<string>? CheckpointWritten;

    public MultistageTrainer(IMultistageModel model, INoiseSchedule schedule, PredictionTarget target, TrainOptions options)
    {
        if (options.BatchSize < 1) throw new ArgumentException("BatchSize must be at least 1.", nameof(options));
        if (options.GradAccumulation < 1 || options.BatchSize % options.GradAccumulation != 0)
            throw new ArgumentException($"GradAccumulation ({options.GradAccumulation}) must divide BatchSize ({options.BatchSize}).", nameof(options));
        if (options.StageLossWeights is { } w && w.Length != model.Stages.Count)
            throw new ArgumentException($"StageLossWeights has {w.Length} entries but the model has {model.Stages.Count} stages.", nameof(options));
        _augment = AugmentationFor(model, options);

        Model = model;
        Options = options;
        _denoiser = new Denoiser(model, schedule, target);
        _times = new TrainingTimeSampler(schedule, model.Stages, options.StageSampling);
        _device = TrainingDevice(model.Module, options.Device);
        model.Module.to(_device);
        _parameters = model.Module.parameters().ToList();
        _optimizer = optim.AdamW(_parameters, lr: options.LearningRate, weight_decay: options.WeightDecay);
        _generator = new Generator((ulong)options.Seed);
        _stageWeights = options.StageLossWeights is null ? null : tensor(options.StageLossWeights, dtype: ScalarType.Float32, device: _device);
        Ema = new ParameterEma(model.Module, options.EmaDecay, options.EmaWarmupSteps);
        Run = new RunFolder(options.OutputDirectory);
        if (model.Cost is { } table && table.Stages.Count != model.Stages.Count)
            throw new ArgumentException($"The model's cost table has {table.Stages.Count} stages but the model has {model.Stages.Count}.", nameof(model));
        _stageSamples = new long[model.Stages.Count];
    }

    /// <summary>Trains until <see cref="TrainOptions.Steps"/>, resuming first if <see cref="TrainOptions.ResumeFrom"/> says so.</summary>
    public TrainResult Train(IBatchSource data, CancellationToken cancellation = default)
    {
        var resumeFrom = Run.ResumePoint(Options.ResumeFrom);
        if (resumeFrom is not null && Step == 0) LoadCheckpoint(resumeFrom);
        if (Step == 0 && Run.EarlierRun(resumeFrom) is { } earlier)
            throw new InvalidOperationException($"{Checkpoints.Path} holds checkpoints of an earlier run ({Path.GetFileName(earlier)}): " +
                                                "set ResumeFrom = \"latest\" to continue it, or use another OutputDirectory.");

        var clock = Stopwatch.StartNew();
        double loss = double.NaN;
        while (Step < Options.Steps)
        {
            if (cancellation.IsCancellationRequested) return new TrainResult(Step, loss, LastCheckpoint, Cancelled: true);
            var stageLosses = TrainStep(data, out loss);
            StepCompleted?.Invoke(new TrainStepInfo(Step, Options.Steps, loss, stageLosses, CurrentLearningRate(Step - 1), clock.Elapsed,
                                                    ImagesSeen, StageSamples, TrainGFlops));
            if (Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0) SaveCheckpoint();
        }
        if (LastCheckpoint is null || !LastCheckpoint.EndsWith(Path.GetFileName(Checkpoints.FileFor(Step)))) SaveCheckpoint();
        return new TrainResult(Step, loss, LastCheckpoint, Cancelled: false);
    }

    private static EdmAugmentPipe? AugmentationFor(IMultistageModel model, TrainOptions options)
    {
        double p = options.AugmentProbability;
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"AugmentProbability must be in [0, 1], not {p}.", nameof(options));
        if (p == 0) return null;
        if (model.AugmentDim != AugmentLabels.Count)
            throw new ArgumentException($"AugmentProbability {p} needs a model that takes EDM's {AugmentLabels.Count} augmentation labels " +
                                        $"(encoder `augment {AugmentLabels.Count}` in the .msd); this one takes {model.AugmentDim}.", nameof(options));
        return new EdmAugmentPipe(p);
    }

    /// <summary>
    /// Where to train: the requested device; else a model the caller already put on a GPU stays there; else
    /// $DIFFUSIONDSL_DEVICE, CUDA when available, or the CPU (<see cref="TorchSetup.DefaultDevice"/>).
    /// </summary>
    private static Device TrainingDevice(nn.Module module, string? requested)
    {
        var current = module.parameters().FirstOrDefault()?.device;
        return requested is null && current is { type: not DeviceType.CPU } ? current : TorchSetup.DefaultDevice(requested);
    }

    private double CurrentLearningRate(long step) => WarmupLearningRate.At(step, Options.LearningRate, Options.WarmupSteps);

    /// <summary>One optimizer step over BatchSize samples split into GradAccumulation micro-batches; returns the loss per stage.</summary>
    public double[] TrainStep(IBatchSource data, out double loss)
    {
        using var scope = NewDisposeScope();
        Model.Module.train();
        TrainingRandomState.BeginStep(_device, Options.Seed, Step);
        foreach (var group in _optimizer.ParamGroups) group.LearningRate = CurrentLearningRate(Step);

        UseData(data);
        int batch = Options.BatchSize;
        var x0 = data.NextBatch(batch, _generator).to(_device);
        Tensor? augmentLabels = null;
        if (_augment is not null) (x0, augmentLabels) = _augment.Augment(x0, _generator);
        var t = _times.Sample(batch, _generator);
        var eps = randn(x0.shape, dtype: x0.dtype, generator: _generator).to(_device);
        // t stays float64: a float32 copy could round a time onto the next stage's boundary.
        var tModel = t.to(_device);
        var stage = Model.Stages.StageOf(tModel);

        // Drop the gradients rather than zero them (PyTorch's zero_grad(set_to_none=True), as the reference trains):
        // AdamW skips a parameter without a gradient, so a decoder with no samples in this step does not move on
        // its old momentum or weight decay. TorchSharp 0.107's zero_grad() fills zeros instead.
        foreach (var parameter in _parameters) parameter.grad = null;
        int micro = batch / Options.GradAccumulation;
        var perSample = new List<Tensor>();
        for (int start = 0; start < batch; start += micro)
        {
            var losses = DiffusionLoss.PerSample(_denoiser, x0.narrow(0, start, micro), tModel.narrow(0, start, micro), eps.narrow(0, start, micro),
                                                 augmentLabels?.narrow(0, start, micro));
            var weighted = _stageWeights is null ? losses : losses * _stageWeights.index_select(0, stage.narrow(0, start, micro));
            (weighted.sum() / batch).backward();
            perSample.Add(weighted.detach());
        }
        var all = cat(perSample, 0).to(ScalarType.Float64);
        loss = HostReads.Item<double>(all.mean(), "MultistageTrainer.Loss");
        if (!double.IsFinite(loss)) throw new TrainingDivergedException(Step + 1, loss, LastCheckpoint);
        if (Options.GradClip > 0)
        {
            double norm = nn.utils.clip_grad_norm_(_parameters, Options.GradClip);
            HostReads.Count("clip_grad_norm_");
            if (!double.IsFinite(norm)) throw new TrainingDivergedException(Step + 1, norm, LastCheckpoint);
        }
        Ema.SettleTraining();
        _optimizer.step();
        Ema.Update(Step, onlyWithGradient: true);
        var counts = HostReads.ToArray<long>(stage.bincount(null, Model.Stages.Count), "MultistageTrainer.StageCounts");
        for (int k = 0; k < counts.Length; k++) _stageSamples[k] += counts[k];
        Step++;
        return StageMeans(all, stage);
    }

    /// <summary>Remembers the source whose position checkpoints save, and hands it the position a checkpoint restored.</summary>
    private void UseData(IBatchSource data)
    {
        _data = data;
        if (_dataStateToRestore is { } state && data is IResumableBatchSource resumable) resumable.LoadState(state);
        _dataStateToRestore = null;
    }

    private double[] StageMeans(Tensor losses, Tensor stage)
    {
        var values = HostReads.ToArray<double>(losses, "MultistageTrainer.StageMeans");
        var stages = HostReads.ToArray<long>(stage, "MultistageTrainer.StageMeans");
        return Enumerable.Range(0, Model.Stages.Count)
            .Select(k => stages.Contains(k) ? values.Where((_, i) => stages[i] == k).Average() : double.NaN)
            .ToArray();
    }

    /// <summary>Writes a checkpoint for the current step (atomically) and keeps the last <see cref="TrainOptions.KeepCheckpoints"/>.</summary>
    public string SaveCheckpoint()
    {
        var path = Checkpoints.FileFor(Step);
        TrainingCheckpoint.Write(path, Options.ModelHash, Step, Model.Module, Ema, _optimizer, _generator, _data, _stageSamples);
        LastCheckpoint = path;
        Checkpoints.KeepLast(Options.KeepCheckpoints);
        CheckpointWritten?.Invoke(path);
        return path;
    }

    /// <summary>Restores weights, EMA, optimizer, step and RNGs; throws <see cref="CheckpointException"/> naming the first problem.</summary>
    public void LoadCheckpoint(string path)
    {
        (Step, _dataStateToRestore) = TrainingCheckpoint.Read(path, Options.ModelHash, Model.Module, Ema, _optimizer, _generator, _stageSamples);
        LastCheckpoint = path;
    }

    public void Dispose()
    {
        Ema.Dispose();
        _optimizer.Dispose();
        _stageWeights?.Dispose();
    }
}
