using System;
using System.Linq;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// Draws a batch's diffusion times under a stage-sampling policy. Inside a stage, t follows the schedule's own
/// training distribution restricted to the stage (uniform for VP: the paper's DPM-Solver runs; the lognormal for
/// EDM: its EDM runs), drawn by inverting <see cref="INoiseSchedule.TrainingCdf"/>. Everything is drawn and computed
/// on the generator's device with tensor arithmetic (<see cref="INoiseSchedule.TrainingQuantiles"/>): nothing is read
/// back to the host. A one-stage policy draws one stage per group of the batch (<see cref="Groups"/>, the reference's
/// one draw per GPU), or per batch.
/// </summary>
public sealed class TrainingTimeSampler
{
    private readonly INoiseSchedule _schedule;
    private readonly StageTable _stages;
    private readonly StageSampling _policy;
    private readonly double[] _cdfAtStageStart;
    private readonly double[] _cdfAtStageEnd;
    // Per stage: the lowest and highest time a draw may take ([Start, End), the last stage closed).
    private readonly DeviceTable _stageBounds;

    public TrainingTimeSampler(INoiseSchedule schedule, StageTable stages, StageSampling policy, int groups = 1)
    {
        if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), groups, "A batch is drawn as at least one group.");
        if (groups > 1 && policy == StageSampling.Mixed)
            throw new ArgumentException("Under StageSampling.Mixed every sample draws its own stage: groups must be 1.", nameof(groups));
        _schedule = schedule; _stages = stages; _policy = policy; Groups = groups;
        _cdfAtStageStart = stages.Stages.Select(s => schedule.TrainingCdf(Math.Max(s.Start, schedule.TrainingMinTime))).ToArray();
        _cdfAtStageEnd = stages.Stages.Select(s => schedule.TrainingCdf(Math.Max(s.End, schedule.TrainingMinTime))).ToArray();
        var lowest = stages.Stages.Select(s => s.Start);
        var highest = stages.Stages.Select((s, k) => k == stages.Count - 1 ? s.End : Math.BitDecrement(s.End));
        _stageBounds = new DeviceTable(_cdfAtStageStart.Concat(_cdfAtStageEnd).Concat(lowest).Concat(highest).ToArray());
        // A stage a policy can pick must have training mass: the uniform policy picks every stage; the proportional one
        // picks a stage with its mass, so never a massless one.
        if (policy is StageSampling.UniformStage or StageSampling.Cyclic)
            for (int k = 0; k < stages.Count; k++)
                if (_cdfAtStageEnd[k] <= _cdfAtStageStart[k])
                    throw new InvalidOperationException($"Stage '{stages.Stages[k].Name}' has no training mass under this schedule.");
    }

    /// <summary>
    /// The expected share of a batch's samples in each stage under this sampler's policy: the schedule's own mass per stage
    /// (ScheduleProportional, Mixed), or an equal share (UniformStage). What a step costs on average follows from it.
    /// </summary>
    public double[] StageOdds() => _policy is StageSampling.UniformStage or StageSampling.Cyclic
        ? Enumerable.Repeat(1.0 / _cdfAtStageEnd.Length, _cdfAtStageEnd.Length).ToArray()
        : _cdfAtStageEnd.Zip(_cdfAtStageStart, (end, start) => end - start).ToArray();

    /// <summary>The groups a batch is drawn as, each inside one stage (1 under <see cref="StageSampling.Mixed"/>).</summary>
    public int Groups { get; }

    /// <summary>
    /// Times of shape [n] (float64) on <paramref name="device"/> (default the CPU), drawn from the generator there; under
    /// a one-stage policy, n / <see cref="Groups"/> consecutive times share a stage. <paramref name="step"/>, the index of
    /// the training step the times are for, picks the stages under <see cref="StageSampling.Cyclic"/>.
    /// </summary>
    public Tensor Sample(int n, Generator? generator, Device? device = null, long step = 0)
    {
        if (n % Groups != 0) throw new ArgumentException($"A batch of {n} cannot be drawn as {Groups} equal groups.", nameof(n));
        using var scope = NewDisposeScope();
        // One draw per group picks its stage, then one per sample places it inside: with one group, the draws of a batch.
        var uniform = rand(new long[] { n + Groups }, dtype: ScalarType.Float64, device: device, generator: generator);
        var first = uniform.narrow(0, 0, Groups);
        var rest = uniform.narrow(0, Groups, n);
        var times = _policy switch
        {
            StageSampling.Mixed => _schedule.TrainingQuantiles(rest),
            StageSampling.UniformStage => WithinStage(rest, PerSample(first.mul((double)_stages.Count).floor().clamp_max(_stages.Count - 1).to_type(ScalarType.Int64), n)),
            StageSampling.ScheduleProportional => WithinStage(rest, PerSample(_stages.StageOf(_schedule.TrainingQuantiles(first)), n)),
            // The group draws are still made (and not used), so every policy takes the same draws from the generator.
            StageSampling.Cyclic => WithinStage(rest, PerSample(arange(Groups, dtype: ScalarType.Int64, device: device).add(step % _stages.Count * Groups).remainder(_stages.Count), n)),
            _ => throw new ArgumentOutOfRangeException(nameof(_policy), _policy, null),
        };
        return times.MoveToOuterDisposeScope();
    }

    /// <summary>Each group's stage [groups] repeated over its n / groups samples: [n].</summary>
    private Tensor PerSample(Tensor groupStage, int n) =>
        Groups == 1 ? groupStage : groupStage.unsqueeze(1).expand(Groups, n / Groups).reshape(n);

    /// <summary>The times of the draws u inside the stages (an index per draw, or one for all, on u's device), by the restricted quantile.</summary>
    private Tensor WithinStage(Tensor u, Tensor stage)
    {
        // Rows: the CDF at each stage's start and end, and its lowest and highest time.
        var bounds = _stageBounds.On(u.device).view(4, -1).index_select(1, stage);
        var (low, high) = (bounds[0], bounds[1]);
        // Clamp so rounding in the quantile never moves a time across the stage's boundaries.
        return _schedule.TrainingQuantiles(u.mul(high.sub(low)).add(low)).clamp(bounds[2], bounds[3]);
    }
}
