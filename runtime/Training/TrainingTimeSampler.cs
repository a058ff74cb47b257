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
/// EDM: its EDM runs), drawn by inverting <see cref="INoiseSchedule.TrainingCdf"/>.
/// </summary>
public sealed class TrainingTimeSampler
{
    private readonly INoiseSchedule _schedule;
    private readonly StageTable _stages;
    private readonly StageSampling _policy;
    private readonly double[] _cdfAtStageStart;
    private readonly double[] _cdfAtStageEnd;

    public TrainingTimeSampler(INoiseSchedule schedule, StageTable stages, StageSampling policy)
    {
        _schedule = schedule; _stages = stages; _policy = policy;
        _cdfAtStageStart = stages.Stages.Select(s => schedule.TrainingCdf(Math.Max(s.Start, schedule.MinTime))).ToArray();
        _cdfAtStageEnd = stages.Stages.Select(s => schedule.TrainingCdf(Math.Max(s.End, schedule.MinTime))).ToArray();
    }

    /// <summary>The probability that a ScheduleProportional batch lands in each stage.</summary>
    public double[] StageOdds() => _cdfAtStageEnd.Zip(_cdfAtStageStart, (end, start) => end - start).ToArray();

    /// <summary>Times of shape [n] (float64, CPU).</summary>
    public Tensor Sample(int n, Generator? generator)
    {
        using var uniform = rand(new long[] { n + 1 }, dtype: ScalarType.Float64, generator: generator);
        var u = HostReads.ToArray<double>(uniform, "TrainingTimeSampler.Sample");
        var times = new double[n];
        switch (_policy)
        {
            case StageSampling.Mixed:
                for (int i = 0; i < n; i++) times[i] = _schedule.TrainingQuantile(u[i + 1]);
                break;
            case StageSampling.UniformStage:
                FillWithinStage(times, u, Math.Min((int)(u[0] * _stages.Count), _stages.Count - 1));
                break;
            case StageSampling.ScheduleProportional:
                FillWithinStage(times, u, _stages.StageOf(_schedule.TrainingQuantile(u[0])));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(_policy), _policy, null);
        }
        return tensor(times, dtype: ScalarType.Float64);
    }

    private void FillWithinStage(double[] times, double[] u, int stage)
    {
        double low = _cdfAtStageStart[stage], high = _cdfAtStageEnd[stage];
        if (high <= low) throw new InvalidOperationException($"Stage '{_stages.Stages[stage].Name}' has no training mass under this schedule.");
        var info = _stages.Stages[stage];
        // Clamp so rounding in the quantile never moves a time across the stage's boundaries ([Start, End), the last stage closed).
        double top = stage == _stages.Count - 1 ? info.End : Math.BitDecrement(info.End);
        for (int i = 0; i < times.Length; i++)
            times[i] = Math.Clamp(_schedule.TrainingQuantile(low + u[i + 1] * (high - low)), info.Start, top);
    }
}
