using System;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Runtime.Schedules;

namespace DiffusionDsl.Cli.Commands;

/// <summary>The schedule names `cluster --schedule` accepts, each with the runtime's default parameters.</summary>
public static class ScheduleNames
{
    public static readonly string[] All = { "vp", "edm", "cosine", "ddpm", "scaled_linear" };

    public static INoiseSchedule Create(string name) => name switch
    {
        "vp" => new VpSchedule(),
        "edm" => new EdmSchedule(),
        "cosine" => new CosineSchedule(),
        "ddpm" => new DdpmLinearSchedule(),
        "scaled_linear" => new DdpmLinearSchedule(sqrtSpacedBetas: true),
        _ => throw new ArgumentException($"Unknown schedule '{name}'; expected one of: {string.Join(", ", All)}."),
    };

    /// <summary>The .msd's schedule with its parameters, as the generated model builds it.</summary>
    public static INoiseSchedule Create(ScheduleSpec s) => s.Kind switch
    {
        ScheduleKind.Vp => new VpSchedule(s.BetaMin, s.BetaMax),
        ScheduleKind.Ddpm => new DdpmLinearSchedule(s.BetaStart, s.BetaEnd, s.Steps, s.SqrtSpacedBetas),
        ScheduleKind.Cosine => new CosineSchedule(s.CosineOffset),
        _ => new EdmSchedule(s.SigmaMin, s.SigmaMax, s.Rho, s.PMean, s.PStd, s.SigmaData),
    };
}
