using System;
using DiffusionDsl.Runtime.Schedules;

namespace DiffusionDsl.Runtime.Tests.Support;

/// <summary>The four schedules by name, at their defaults, for theories over every schedule.</summary>
internal static class ScheduleCases
{
    public static TheoryData<string> Names => new() { "vp", "ddpm", "cosine", "edm" };

    public static INoiseSchedule Create(string name) => name switch
    {
        "vp" => new VpSchedule(),
        "ddpm" => new DdpmLinearSchedule(),
        "cosine" => new CosineSchedule(),
        "edm" => new EdmSchedule(),
        _ => throw new ArgumentException(name),
    };
}
