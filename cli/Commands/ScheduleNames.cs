using System;
using DiffusionDsl.Runtime.Schedules;

namespace DiffusionDsl.Cli.Commands;

/// <summary>The schedule names `cluster --schedule` accepts, each with the runtime's default parameters.</summary>
public static class ScheduleNames
{
    public static readonly string[] All = { "vp", "edm", "cosine", "ddpm" };

    public static INoiseSchedule Create(string name) => name switch
    {
        "vp" => new VpSchedule(),
        "edm" => new EdmSchedule(),
        "cosine" => new CosineSchedule(),
        "ddpm" => new DdpmLinearSchedule(),
        _ => throw new ArgumentException($"Unknown schedule '{name}'; expected one of: {string.Join(", ", All)}."),
    };
}
