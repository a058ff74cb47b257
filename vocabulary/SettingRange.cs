using System.Globalization;

namespace DiffusionDsl.Runtime;

/// <summary>
/// The values one train or sample setting admits (<see cref="Training.TrainRanges"/>, <see cref="Sampling.SampleRanges"/>).
/// The compiler holds the .msd to it and the runtime holds options set from C# to it, so the two cannot drift apart.
/// </summary>
public sealed class SettingRange
{
    private SettingRange(string setting, double min, bool minIncluded, double max, bool maxIncluded, bool wholeNumber, string? zeroMeans, string? meaning)
    {
        Setting = setting; Min = min; MinIncluded = minIncluded; Max = max; MaxIncluded = maxIncluded;
        WholeNumber = wholeNumber; ZeroMeans = zeroMeans; Meaning = meaning;
    }

    /// <summary>A whole number of at least <paramref name="min"/>.</summary>
    public static SettingRange Count(string setting, int min, string? zeroMeans = null, string? meaning = null) =>
        new(setting, min, true, double.PositiveInfinity, false, wholeNumber: true, zeroMeans, meaning);

    /// <summary>A number between two bounds, each included or not.</summary>
    public static SettingRange Between(string setting, double min, bool minIncluded, double max, bool maxIncluded, string? zeroMeans = null, string? meaning = null) =>
        new(setting, min, minIncluded, max, maxIncluded, wholeNumber: false, zeroMeans, meaning);

    /// <summary>The .msd's word for it, as the train section spells it.</summary>
    public string Setting { get; }
    public double Min { get; }
    public bool MinIncluded { get; }
    public double Max { get; }
    public bool MaxIncluded { get; }
    public bool WholeNumber { get; }
    /// <summary>What 0 means where 0 is allowed and special ("no clipping"); null otherwise.</summary>
    public string? ZeroMeans { get; }
    /// <summary>A few words on what the number is, for messages ("the augmentation probability"); null when the setting says it.</summary>
    public string? Meaning { get; }

    /// <summary>Whether <paramref name="value"/> is allowed (NaN never is).</summary>
    public bool Contains(double value) =>
        (MinIncluded ? value >= Min : value > Min) && (MaxIncluded ? value <= Max : value < Max);

    /// <summary>"at least 1" for a count or a number with no upper bound ("above 0" when 0 is excluded), "in (0, 10]" for a bounded number.</summary>
    public string Describe() =>
        WholeNumber || double.IsPositiveInfinity(Max)
            ? (MinIncluded ? "at least " : "above ") + Show(Min)
            : "in " + (MinIncluded ? "[" : "(") + Show(Min) + ", " + Show(Max) + (MaxIncluded ? "]" : ")");

    /// <summary>The setting as messages name it: "augment (the augmentation probability)", "clip".</summary>
    public string Named() => Meaning is not null ? $"{Setting} ({Meaning})" : Setting;

    // As the compiler's messages print numbers (Display.Number), so both sides describe a range alike.
    private static string Show(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
