using System;
using DiffusionDsl.Runtime.Training;

namespace DiffusionDsl.Runtime.Reporting;

/// <summary>The one-line training status: step, loss, iterations per second and time left.</summary>
public static class ProgressText
{
    public static double IterationsPerSecond(TrainStepInfo info, long firstStep) =>
        info.Elapsed.TotalSeconds > 0 ? (info.Step - firstStep) / info.Elapsed.TotalSeconds : 0.0;

    public static TimeSpan? Remaining(TrainStepInfo info, long firstStep)
    {
        double rate = IterationsPerSecond(info, firstStep);
        return rate > 0 ? TimeSpan.FromSeconds((info.TotalSteps - info.Step) / rate) : null;
    }

    public static string Format(TrainStepInfo info, long firstStep = 0)
    {
        var remaining = Remaining(info, firstStep);
        return $"step {info.Step}/{info.TotalSteps} | loss {info.Loss:F4} | {IterationsPerSecond(info, firstStep):F1} it/s | ETA {(remaining is { } r ? r.ToString(@"hh\:mm\:ss") : "--:--:--")}";
    }
}
