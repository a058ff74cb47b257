using System;
using System.Globalization;

namespace DiffusionDsl.Runtime;

/// <summary>Holds an option set from C# to the range the compiler holds its .msd setting to, naming both in the error.</summary>
internal static class SettingRangeCheck
{
    /// <summary>Throws an <see cref="ArgumentException"/> for "options" unless <paramref name="range"/> contains <paramref name="value"/> (NaN never is).</summary>
    public static void Require(double value, SettingRange range, string option, string section)
    {
        if (range.Contains(value)) return;
        string meaning = range.ZeroMeans is null ? "" : $"; 0 means {range.ZeroMeans}";
        throw new ArgumentException($"{option} must be {range.Describe()} (the .msd's {section} {range.Setting}{meaning}), " +
                                    $"not {value.ToString("R", CultureInfo.InvariantCulture)}.", "options");
    }
}
