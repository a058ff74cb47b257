using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Networks;
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
    private readonly LossReduction _lossReduction;
    // The factor on the per-pixel mean loss the optimizer's moments were accumulated under: the last step's, or the
    // resumed checkpoint's; null before either.
    private double? _gradientScale;
    private readonly TrainingTimeSampler _times;
    private readonly AdamW _optimizer;
    private readonly Generator _generator;
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly Tensor? _stageWeights;
    private readonly Device _device;
    private readonly EdmAugmentPipe? _augment;
    private IBatchSource? _data;
    private byte[]? _dataStateToRestore;
    /// <summary>The data the restored checkpoint's run trained on (<see cref="IFingerprintedBatchSource"/>), until the next data source is checked against it.</summary>
    private string? _dataTrainedOn;
    private readonly long[] _stageSamples;
    // Training time before this process took the run over (from its checkpoint), and this process's clock.
    private TimeSpan _trainingTimeBefore;
    private readonly Stopwatch _clock = new();
    // The first diverged step (1-based; -1 while none) and its non-finite loss or gradient norm, float64 on the device.
    private Tensor _divergence;
    private long _divergenceReadAt = -1;
    private bool _disposed;
    private double _stepLearningRate;

    public IMultistageModel Model { get; }
    public TrainOptions Options { get; }
    public ParameterEma Ema { get; }
    /// <summary>The output folder and its policy (resume, refusing an earlier run).</summary>
    public RunFolder Run { get; }
    public CheckpointDirectory Checkpoints => Run.Checkpoints;
    public long Step { get; private set; }

    /// <summary>Whether the forward pass and the loss run under bf16 <see cref="Autocast"/> (<see cref="TrainOptions.Precision"/>).</summary>
    public bool UsesBf16Autocast { get; }

    /// <summary>How each sample's squared error over its pixels enters the gradient (<see cref="TrainOptions.LossReduction"/>, or the preconditioning's).</summary>
    public LossReduction LossReduction => _lossReduction;

    /// <summary>The optimizer and the parameters it steps, in its order; for tests that inspect its state.</summary>
    internal AdamW Optimizer => _optimizer;
    /// <summary>
    /// The times (float64, [batch]) and unit noise of each step, given instead of drawn: tests replay another trainer's
    /// draws through it (the reference's training loop, in the fixture tests). Null, as it always is outside tests, draws.
    /// </summary>
    internal Func<long, (Tensor Times, Tensor Noise)>? ReplayDraws { get; set; }
    internal IReadOnlyList<Parameter> Parameters => _parameters;
    public string? LastCheckpoint { get; private set; }

    /// <summary>Training samples drawn in each stage so far (over the whole run: checkpoints keep the counts).</summary>
    public IReadOnlyList<long> StageSamples => _stageSamples.ToArray();

    /// <summary>Training images seen so far: the sum of <see cref="StageSamples"/>, Step x BatchSize.</summary>
    public long ImagesSeen => _stageSamples.Sum();

    /// <summary>Wall-clock time spent in <see cref="Train"/> over the whole run: checkpoints keep it, so a resumed run goes on counting.</summary>
    public TimeSpan TrainingTime => _trainingTimeBefore + _clock.Elapsed;

    /// <summary>Training GFLOPs so far (<see cref="TrainingCompute.GFlops"/>), or null when the model has no cost table.</summary>
    public double? TrainGFlops => Model.Cost is { } cost ? TrainingCompute.GFlops(cost, _stageSamples) : null;

    /// <summary>Raised after every optimizer step.</summary>
    public event Action<TrainStepInfo>? StepCompleted;

    /// <summary>Raised after a checkpoint is written, with its path.</summary>
    public event Action<string>? CheckpointWritten;

    /// <summary>
    /// Something the caller should hear about that changes nothing: a resumed run whose clip or EMA differs from the one its
    /// checkpoint was trained with (<see cref="TrainingRecipeText"/>).
    /// </summary>
    public event Action<string>? Note;

    public MultistageTrainer(IMultistageModel model, INoiseSchedule schedule, PredictionTarget target, TrainOptions options)
    {
        TrainOptionsCheck.Validate(options);
        LiveModel.Require(model);
        Float32Parameters.Require(model.Module, "Training");
        if (options.StageLossWeights is { } w && w.Length != model.Stages.Count)
            throw new ArgumentException($"StageLossWeights has {w.Length} entries but the model has {model.Stages.Count} stages.", nameof(options));
        _augment = AugmentationFor(model, options);

        Model = model;
        Options = options;
        _denoiser = new Denoiser(model, schedule, target);
        _lossReduction = options.LossReduction ?? LossReductions.For(target);
        _times = new TrainingTimeSampler(schedule, model.Stages, options.StageSampling, options.StageGroups);
        _device = TrainingDevice(model.Module, options.Device);
        model.Module.to(_device);
        UsesBf16Autocast = MixedPrecisionPolicy.UsesBf16Autocast(options.Precision, _device);
        _parameters = model.Module.parameters().ToList();
        _optimizer = optim.AdamW(_parameters, lr: options.LearningRate, weight_decay: options.WeightDecay);
        _generator = new Generator((ulong)options.Seed);
        _stageWeights = options.StageLossWeights is null ? null : tensor(options.StageLossWeights, dtype: ScalarType.Float32, device: _device);
        Ema = new ParameterEma(model.Module, options.EmaDecay, options.EmaWarmupSteps,
                               options.EmaHalfLifeKimg is double kimg ? new EmaHalfLife(kimg * 1000, options.EmaRampUp, options.BatchSize) : null);
        Run = new RunFolder(options.OutputDirectory);
        if (model.Cost is { } table && table.Stages.Count != model.Stages.Count)
            throw new ArgumentException($"The model's cost table has {table.Stages.Count} stages but the model has {model.Stages.Count}.", nameof(model));
        _stageSamples = new long[model.Stages.Count];
        _divergence = tensor(new[] { -1.0, 0.0 }, dtype: ScalarType.Float64, device: _device).DetachFromDisposeScope();
    }

    /// <summary>
    /// Trains until <see cref="TrainOptions.Steps"/>, resuming first if <see cref="TrainOptions.ResumeFrom"/> says so.
    /// Nothing is read back from the device per step except each stage's sample count (routing needs it) and, with
    /// augmentation, the geometric warp's padding (as in EDM's augment.py): the loss of a
    /// step is read when a <see cref="StepCompleted"/> subscriber asks for it (<see cref="TrainStepInfo.Loss"/>), and a
    /// non-finite loss or gradient norm is caught every <see cref="TrainOptions.LogEvery"/> steps, before every checkpoint
    /// and at the end, as a <see cref="TrainingDivergedException"/> that names the first step it happened at; no
    /// checkpoint is written after it.
    /// </summary>
    public TrainResult Train(IBatchSource data, CancellationToken cancellation = default)
    {
        RequireUsable();
        if (Model is MultistageUNet network && network.ImageShape is var (c, h, w) && (data.Channels, data.Height, data.Width) != (c, h, w))
            throw new ArgumentException($"The data's images are {data.Channels}x{data.Height}x{data.Width}, but {network.GetName()} takes " +
                                        $"{c}x{h}x{w} (the image line of its .msd).", nameof(data));
        using var held = Run.Lock();
        var resumeFrom = Run.ResumePoint(Options.ResumeFrom);
        // A checkpoint that is not there is for LoadCheckpoint to name; these checks are about the folder it would go on in.
        // "latest" is this folder's own newest checkpoint, whatever its header says: a damaged one is for LoadCheckpoint to
        // name, not an "earlier run" (its unreadable header would not match itself).
        if (Step == 0 && (resumeFrom is null || File.Exists(resumeFrom)) && Run.Conflict(Options.ResumeFrom == "latest" ? "latest" : resumeFrom) is { } conflict)
            throw new InvalidOperationException(conflict.SameRun
                ? $"{Path.GetFileName(resumeFrom)} is not the newest checkpoint of its run ({Path.GetFileName(conflict.Checkpoint)} is): " +
                  "delete the later ones to go back to it, or set ResumeFrom = \"latest\"."
                : $"{Checkpoints.Path} holds checkpoints of an earlier run ({Path.GetFileName(conflict.Checkpoint)}): " +
                  (resumeFrom is null ? "set ResumeFrom = \"latest\" to continue it, or use another OutputDirectory."
                                      : $"resume {Path.GetFileName(resumeFrom)} in another OutputDirectory, or set ResumeFrom = \"latest\" to continue the run there."));
        if (resumeFrom is not null && Step == 0)
        {
            LoadCheckpoint(resumeFrom);
            if (Step >= Options.Steps)
                throw new ArgumentException($"{Path.GetFileName(resumeFrom)} is already at step {Step}, and Steps is {Options.Steps}: " +
                                            $"ask for more than {Step} steps to continue it.");
        }

        // The compiler warns of this in the .msd (MSD0052); a run's own steps (msd train --steps) can still cut it short.
        if (WarmupLength.Outlasts(Options.WarmupSteps, Options.WarmupKimg, Options.BatchSize, Options.Steps) is { } warmup) Note?.Invoke(warmup + ".");
        _clock.Start();
        try { return TrainSteps(data, _clock.Elapsed, cancellation); }
        finally { _clock.Stop(); }
    }

    /// <param name="started">Where <see cref="_clock"/> stood when this call began: the steps' Elapsed counts from it.</param>
    private TrainResult TrainSteps(IBatchSource data, TimeSpan started, CancellationToken cancellation)
    {
        StepLosses? last = null;
        double LastLoss() => last?.Read().Loss ?? double.NaN;
        int logEvery = Math.Max(1, Options.LogEvery);
        using var pending = new PendingLosses(logEvery, Model.Stages.Count, _device);
        while (Step < Options.Steps)
        {
            if (cancellation.IsCancellationRequested)
            {
                // A cancelled run keeps its work, as a finished one does: a checkpoint of the step it stopped at, which
                // "latest" resumes from (none before the first step: a fresh run may then use the folder).
                Flush(pending);
                if (Options.CheckpointAtEnd && Step > 0 && !AtCheckpoint()) SaveCheckpoint();
                return new TrainResult(Step, LastLoss(), LastCheckpoint, Cancelled: true);
            }
            using (var packed = Advance(data, out var stageCounts)) last = pending.Add(packed, stageCounts);
            var losses = last;
            // At a logged step the losses are read before the subscribers see them, so their reads there cost nothing.
            if (Step % logEvery == 0 || pending.Full) Flush(pending);
            // The checkpoint before the step's reports: a report that fails (a preview too large to write, a device out of
            // memory while sampling it, a full disk) then loses no training.
            if (Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0) { Flush(pending); SaveCheckpoint(); }
            try
            {
                StepCompleted?.Invoke(new TrainStepInfo(Step, Options.Steps, () => losses.Read(), _stepLearningRate, _clock.Elapsed - started,
                                                        ImagesSeen, StageSamples, TrainGFlops) { RunElapsed = TrainingTime });
            }
            catch (Exception e) when (e is not TrainingDivergedException && Options.CheckpointAtEnd && Step > 0)
            {
                // A report that fails between checkpoints (a sample grid or an evaluation out of device memory, a full
                // disk) would otherwise take every step since the last checkpoint with it: keep them, then let it fail.
                SaveAfterFailedReport(pending);
                throw;
            }
        }
        Flush(pending);
        if (Options.CheckpointAtEnd && !AtCheckpoint()) SaveCheckpoint();
        return new TrainResult(Step, LastLoss(), LastCheckpoint, Cancelled: false);
    }

    private void SaveAfterFailedReport(PendingLosses pending)
    {
        if (AtCheckpoint()) return;
        try
        {
            Flush(pending); // a diverged run is not saved: Flush throws first
            SaveCheckpoint();
        }
        catch (Exception e) when (e is TrainingDivergedException or IOException or UnauthorizedAccessException or System.Runtime.InteropServices.ExternalException)
        {
            // The report's failure is the one to tell: it is what stopped the run.
        }
    }

    /// <summary>Whether the last checkpoint written is this step's.</summary>
    private bool AtCheckpoint() =>
        LastCheckpoint is not null && Path.GetFullPath(LastCheckpoint) == Path.GetFullPath(Checkpoints.FileFor(Step));

    private static EdmAugmentPipe? AugmentationFor(IMultistageModel model, TrainOptions options)
    {
        double p = options.AugmentProbability; // in [0, 1]: TrainOptionsCheck
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

    // Counted from the steps or, with WarmupKimg, the images seen before the step (ImagesSeen, kept by checkpoints, so a
    // run resumed at another batch goes on with EDM's cur_nimg).
    private double NextLearningRate() => WarmupLearningRate.For(Options, Step, ImagesSeen);

    /// <summary>
    /// One optimizer step over BatchSize samples split into GradAccumulation micro-batches; returns the loss per stage.
    /// It reads the loss back at once and throws <see cref="TrainingDivergedException"/> on a non-finite loss or gradient
    /// norm; <see cref="Train"/> defers both.
    /// </summary>
    public double[] TrainStep(IBatchSource data, out double loss)
    {
        RequireUsable();
        double[] values;
        long[] counts;
        using (var packed = Advance(data, out counts)) values = HostReads.ToArray<double>(packed, "MultistageTrainer.Loss");
        var (mean, stageMeans, norm) = StepLosses.Unpack(values, counts);
        loss = mean;
        if (!double.IsFinite(mean)) throw new TrainingDivergedException(Step, mean, LastCheckpoint);
        if (!double.IsFinite(norm)) throw new TrainingDivergedException(Step, norm, LastCheckpoint);
        return stageMeans;
    }

    /// <summary>
    /// The step itself. Times and noise are drawn on the device (on a GPU from its default generator, which
    /// <see cref="TrainingRandomState.BeginStep"/> reseeds every step; on the CPU from the trainer's generator, as
    /// before), noise levels are evaluated by the schedule's tensor forms, and the loss, the gradient clipping, the
    /// divergence check and the EMA stay on the device. The reads are each micro-batch's sample count per stage and, with
    /// augmentation, the warp's padding.
    /// </summary>
    /// <returns>The mean loss, the gradient norm and each stage's loss sum, float64 on the device, unread.</returns>
    private Tensor Advance(IBatchSource data, out long[] stageCounts)
    {
        using var scope = NewDisposeScope();
        using var strict = Options.Precision == MixedPrecision.Float32 ? MixedPrecisionPolicy.StrictFloat32() : null;
        Model.Module.train();
        TrainingRandomState.BeginStep(_device, Options.Seed, Step);
        _stepLearningRate = NextLearningRate();
        foreach (var group in _optimizer.ParamGroups) group.LearningRate = _stepLearningRate;

        UseData(data);
        int batch = Options.BatchSize;
        var x0 = data.NextBatch(batch, _generator);
        if (Options.HorizontalFlip)
        {
            using var flips = RandomHorizontalFlip.ForStep(Options.Seed, Step);
            x0 = RandomHorizontalFlip.Apply(x0, flips);
        }
        x0 = HostToDevice.Copy(x0, _device);
        Tensor? augmentLabels = null;
        if (_augment is not null) (x0, augmentLabels) = _augment.Augment(x0, _generator);
        // TorchSharp 0.107's Generator is CPU-only (its native THSGenerator_new makes a CPU generator for any device), so on a
        // GPU the draws come from the device's default generator, reseeded per step; on the CPU from the trainer's own.
        var onDevice = _device.type == DeviceType.CPU ? _generator : null;
        // t stays float64: a float32 copy could round a time onto the next stage's boundary.
        var (t, eps) = ReplayDraws is { } replay
            ? replay(Step)
            : (_times.Sample(batch, onDevice, _device, step: Step), randn(x0.shape, dtype: x0.dtype, device: _device, generator: onDevice));
        var stage = Model.Stages.StageOf(t);

        double gradientScale = _lossReduction.Scale(x0.numel() / batch);
        RescaleMomentsTo(gradientScale);
        int micro = batch / Options.GradAccumulation;
        int stages = Model.Stages.Count;
        // The one host read of the step: every micro-batch's sample count per stage. Routing cannot go on without it (the
        // sub-batch sizes decide which decoders run, at which shapes), and it also gives the per-stage sample totals.
        var microOfSample = arange(batch, dtype: ScalarType.Int64, device: _device).div(micro, rounding_mode: RoundingMode.floor);
        var counts = HostReads.ToArray<long>(StageCounts.Of(microOfSample * stages + stage, stages * Options.GradAccumulation),
                                             "MultistageTrainer.StageCounts");

        // Drop the gradients rather than zero them (PyTorch's zero_grad(set_to_none=True), as the reference trains):
        // AdamW skips a parameter without a gradient, so a decoder with no samples in this step does not move on
        // its old momentum or weight decay. TorchSharp 0.107's zero_grad() fills zeros instead.
        foreach (var parameter in _parameters) parameter.grad = null;
        var perSample = new List<Tensor>();
        for (int start = 0, m = 0; start < batch; start += micro, m++)
        {
            var microStage = stage.narrow(0, start, micro);
            var split = new StageSplit(counts.Skip(m * stages).Take(stages).ToArray(), microStage);
            Tensor losses;
            // Forward and loss under autocast, backward outside it, as torch.autocast is meant to be used.
            using (UsesBf16Autocast ? Autocast.Enter(_device) : null)
                losses = DiffusionLoss.PerSample(_denoiser, x0.narrow(0, start, micro), t.narrow(0, start, micro), eps.narrow(0, start, micro),
                                                 augmentLabels?.narrow(0, start, micro), split).to(ScalarType.Float32);
            var weighted = _stageWeights is null ? losses : losses * _stageWeights.index_select(0, microStage);
            (weighted.sum() * (gradientScale / batch)).backward();
            perSample.Add(weighted.detach());
        }
        var all = cat(perSample, 0).to(ScalarType.Float64);
        var mean = all.mean();
        // Without clipping (clip 0, EDM's) the norm is still taken: a non-finite gradient that is not replaced (below, for
        // EDM's models) must stop training, not reach the weights and their average.
        var grads = _parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToList();
        // EDM's training loop (training_loop.py) replaces non-finite gradient entries before every step and trains on.
        if (_denoiser.Target == PredictionTarget.Edm)
            foreach (var grad in grads) grad.nan_to_num_(nan: 0, posinf: 1e5, neginf: -1e5);
        // `clip` bounds the gradient of the per-pixel mean loss whatever the reduction, so a summed loss clips where the mean
        // would and a rescaled resume stays exact.
        var norm = Options.GradClip > 0 ? ClipGradients(grads, Options.GradClip * gradientScale) : GradientNorm(grads);
        RecordDivergence(mean, norm);
        Ema.SettleTraining();
        _optimizer.step();
        Ema.Update(Step, onlyWithGradient: true, imagesBefore: ImagesSeen);

        stageCounts = new long[stages];
        for (int i = 0; i < counts.Length; i++) stageCounts[i % stages] += counts[i];
        for (int k = 0; k < stages; k++) _stageSamples[k] += stageCounts[k];
        Step++;
        // The mean loss, the gradient norm and each stage's loss sum, in one tensor the caller reads if and when it wants.
        var sums = zeros(stages, dtype: ScalarType.Float64, device: _device).index_add(0, stage, all, 1.0);
        return cat(new[] { mean.view(1), norm.to(ScalarType.Float64).view(1), sums }, 0).detach().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Brings AdamW's moments to the gradient scale of this step when the run's checkpoint was written under another (a
    /// checkpoint from before EDM models summed their loss over the pixels): the first moment scales with the gradient,
    /// the second with its square, so the run goes on as if it had always been trained at this scale.
    /// </summary>
    private void RescaleMomentsTo(double gradientScale)
    {
        if (_gradientScale is double before && before != gradientScale)
        {
            double ratio = gradientScale / before;
            using var noGrad = no_grad();
            foreach (var state in _optimizer.state_dict().State.OfType<AdamW.State>())
            {
                state.exp_avg.mul_(ratio);
                state.exp_avg_sq.mul_(ratio * ratio);
                state.max_exp_avg_sq?.mul_(ratio * ratio);
            }
        }
        _gradientScale = gradientScale;
    }

    /// <summary>
    /// torch::nn::utils::clip_grad_norm_ (the 2-norm over every gradient, each scaled by min(1, max / (norm + 1e-6))) with
    /// the same operations, but without its final read of the norm: returns the norm as a device scalar.
    /// </summary>
    private Tensor ClipGradients(List<Tensor> grads, double maxNorm)
    {
        using var noGrad = no_grad();
        var total = GradientNorm(grads);
        var denominator = total + 1e-6;
        var coefficient = full_like(denominator, maxNorm).div_(denominator).clamp_max(1.0);
        foreach (var g in grads) g.mul_(coefficient);
        return total;
    }

    /// <summary>The total L2 norm of the gradients (0 when none), on the device: nothing is read back.</summary>
    private Tensor GradientNorm(List<Tensor> grads)
    {
        using var noGrad = no_grad();
        var norms = grads.Select(g => g.norm()).ToList();
        if (norms.Count == 0) return zeros(1, dtype: ScalarType.Float32, device: _device).squeeze();
        return norms.Count == 1 ? norms[0] : stack(norms).norm();
    }

    /// <summary>Remembers, on the device, the first step whose loss or gradient norm is not finite, and that value.</summary>
    private void RecordDivergence(Tensor mean, Tensor norm)
    {
        using var scope = NewDisposeScope();
        var lossFinite = mean.isfinite();
        var bad = lossFinite.logical_and(norm.isfinite()).logical_not();
        var value = where(lossFinite, norm.to(ScalarType.Float64), mean);
        var candidate = stack(new[] { full_like(value, (double)(Step + 1)), value });
        var first = _divergence[0].lt(0).logical_and(bad);
        var next = where(first, candidate, _divergence).DetachFromDisposeScope();
        _divergence.Dispose();
        _divergence = next;
    }

    /// <summary>
    /// Reads the losses of the steps not read yet together with the divergence record (one host read), and throws if some
    /// step's loss or gradient norm was not finite.
    /// </summary>
    private void Flush(PendingLosses pending)
    {
        if (pending.Count == 0 && _divergenceReadAt == Step) return;
        var record = pending.ReadWith(_divergence);
        _divergenceReadAt = Step;
        if (record[0] >= 0) throw new TrainingDivergedException((long)record[0], record[1], LastCheckpoint);
    }

    /// <summary>
    /// The losses of the steps since the last read, kept on the device in one preallocated [capacity, 2 + stages] buffer
    /// (no tensor per step) until <see cref="ReadWith"/> reads them all at once, or a subscriber asks for one step's.
    /// </summary>
    private sealed class PendingLosses : IDisposable
    {
        private readonly Tensor _buffer;
        private readonly List<StepLosses> _steps = new();

        public PendingLosses(int capacity, int stages, Device device) =>
            _buffer = zeros(new long[] { capacity, 2 + stages }, dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();

        public bool Full => _steps.Count == _buffer.shape[0];
        public int Count => _steps.Count;

        public StepLosses Add(Tensor packed, long[] counts)
        {
            if (Full) throw new InvalidOperationException("Read the pending losses first.");
            using (no_grad())
            using (var row = _buffer[_steps.Count]) row.copy_(packed);
            var step = new StepLosses(this, _steps.Count, counts);
            _steps.Add(step);
            return step;
        }

        /// <summary>One step's row (one host read), for a subscriber that asks before the next <see cref="ReadWith"/>.</summary>
        public double[] Row(int slot)
        {
            using var row = _buffer[slot];
            return HostReads.ToArray<double>(row, "MultistageTrainer.Loss");
        }

        /// <summary>Reads every pending row and <paramref name="extra"/> in one host read, resolves the rows' steps and returns extra's values.</summary>
        public double[] ReadWith(Tensor extra)
        {
            int n = _steps.Count;
            double[] values;
            using (var scope = NewDisposeScope())
                values = HostReads.ToArray<double>(cat(new[] { _buffer.narrow(0, 0, n).flatten(), extra.flatten() }, 0), "MultistageTrainer.Flush");
            int width = (int)_buffer.shape[1];
            for (int i = 0; i < n; i++) _steps[i].Resolve(values.AsSpan(i * width, width).ToArray());
            _steps.Clear();
            return values.AsSpan(n * width).ToArray();
        }

        public void Dispose() => _buffer.Dispose();
    }

    /// <summary>A step's losses: resolved by the next <see cref="PendingLosses.ReadWith"/>, or read on their own when asked first.</summary>
    private sealed class StepLosses
    {
        private readonly PendingLosses _pending;
        private readonly int _slot;
        private readonly long[] _counts;
        private (double Loss, double[] StageLosses, double Norm)? _read;

        public StepLosses(PendingLosses pending, int slot, long[] counts) { _pending = pending; _slot = slot; _counts = counts; }

        public void Resolve(double[] values) => _read ??= Unpack(values, _counts);

        public (double Loss, double[] StageLosses) Read()
        {
            _read ??= Unpack(_pending.Row(_slot), _counts);
            return (_read.Value.Loss, _read.Value.StageLosses);
        }

        /// <summary>[mean, norm, per-stage sums] to the mean, each stage's mean loss (NaN without samples) and the norm.</summary>
        public static (double Loss, double[] StageLosses, double Norm) Unpack(double[] values, long[] counts) =>
            (values[0], counts.Select((n, k) => n > 0 ? values[2 + k] / n : double.NaN).ToArray(), values[1]);
    }

    /// <summary>Remembers the source whose position checkpoints save, and hands it the position a checkpoint restored.</summary>
    private void UseData(IBatchSource data)
    {
        _data = data;
        // Another file, another --limit, another dataset of the same shape: the run still goes on, but not as the one it resumes.
        if (_dataTrainedOn is { } before && data is IFingerprintedBatchSource source && source.Fingerprint != before)
            Note?.Invoke($"{Path.GetFileName(LastCheckpoint)} was trained on {before}; this run goes on with {source.Fingerprint} " +
                         "(give the run's own data, and --limit, to continue it exactly).");
        _dataTrainedOn = null;
        if (_dataStateToRestore is { } state && data is IResumableBatchSource resumable) resumable.LoadState(state);
        _dataStateToRestore = null;
    }

    /// <summary>Writes a checkpoint for the current step (atomically) and keeps the last <see cref="TrainOptions.KeepCheckpoints"/>.</summary>
    public string SaveCheckpoint()
    {
        RequireUsable();
        var path = Checkpoints.FileFor(Step);
        TrainingCheckpoint.Write(path, Options.ModelHash, Step, Model.Module, Ema, _optimizer, _generator, _data, _stageSamples, Options.StageSampling, TrainingTime,
                                 _gradientScale ?? 1.0, TrainingRecipeText.Recorded(Options), TrainingRecipeText.BatchAndLearningRate(Options), Options.Seed);
        LastCheckpoint = path;
        foreach (var note in Checkpoints.KeepLast(Options.KeepCheckpoints)) Note?.Invoke(note);
        CheckpointWritten?.Invoke(path);
        return path;
    }

    /// <summary>Restores weights, EMA, optimizer, step, RNGs and the training time so far; throws <see cref="CheckpointException"/> naming the first problem.</summary>
    public void LoadCheckpoint(string path)
    {
        RequireUsable();
        var restored = TrainingCheckpoint.Read(path, Options.ModelHash, Model.Module, Ema, _optimizer, _generator, _stageSamples, Options.StageSampling);
        (Step, _dataStateToRestore, _trainingTimeBefore, _gradientScale, _dataTrainedOn) =
            (restored.Step, restored.DataState, restored.TrainingTime, restored.GradientScale, restored.DataFingerprint);
        string trainsWith = TrainingRecipeText.Recorded(Options);
        if (restored.Recipe is { } trainedWith && trainedWith != trainsWith)
            Note?.Invoke($"{Path.GetFileName(path)} was trained with {trainedWith}; this run goes on with {trainsWith}.");
        string batchNow = TrainingRecipeText.BatchAndLearningRate(Options);
        if (restored.BatchAndLearningRate is { } batchBefore && batchBefore != batchNow)
            Note?.Invoke($"{Path.GetFileName(path)} was trained with {batchBefore}; this run goes on with {batchNow} " +
                         "(give the run's own, with msd train --batch and --lr or the .msd's accumulate, to continue it exactly).");
        // The seed draws every step's times and noise (and, on a GPU, is the per-step reseed): another one still trains,
        // but not as the uninterrupted run would have.
        if (restored.Seed is long seed && seed != Options.Seed)
            Note?.Invoke($"{Path.GetFileName(path)} was trained with seed {seed}; this run goes on with seed {Options.Seed} " +
                         "(give the run's own seed, e.g. msd train --seed, to continue it exactly).");
        _clock.Reset();
        LastCheckpoint = path;
    }

    private void RequireUsable()
    {
        if (_disposed) throw new ObjectDisposedException(nameof(MultistageTrainer), "This MultistageTrainer has been disposed: create a new one (ResumeFrom = \"latest\" continues its run).");
        LiveModel.Require(Model);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Ema.Dispose();
        _optimizer.Dispose();
        _stageWeights?.Dispose();
        _divergence.Dispose();
    }
}
