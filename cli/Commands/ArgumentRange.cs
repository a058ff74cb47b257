using System;
using System.Globalization;
using DiffusionDsl.Runtime;

namespace DiffusionDsl.Cli.Commands;

/// <summary>Holds a command-line override to the range of the .msd setting it overrides (TrainRanges, SampleRanges), naming the option.</summary>
internal static class ArgumentRange
{
    public static void Require(double? value, SettingRange range, string option)
    {
        if (value is not double v || range.Contains(v)) return;
        throw new ArgumentException($"{option} must be {range.Describe()}, not {v.ToString(CultureInfo.InvariantCulture)}.");
    }
}
