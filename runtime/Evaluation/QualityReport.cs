using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// Sample-quality metrics of <see cref="Count"/> generated images against <see cref="ReferenceCount"/> reference
/// images in one feature space. FD is biased upwards at small counts: compare reports only at equal counts.
/// The class histogram (fractions of generated images per predicted class) and its entropy (in nats; log(10) =
/// 2.3026 is uniform over 10 classes) are present when the feature network is a classifier.
/// </summary>
public sealed record QualityReport(int Count, int ReferenceCount, string FeatureSpace, double FrechetDistance, double Precision, double Recall,
    double Density, double Coverage, IReadOnlyList<double>? ClassHistogram, double? ClassEntropy)
{
    /// <summary>Class names for <see cref="ClassHistogram"/>, when known.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The k of the precision/recall manifolds (Kynkäänniemi et al. use 3).</summary>
    public int PrecisionRecallK { get; init; } = 3;

    /// <summary>The k of density/coverage (Naeem et al. use 5).</summary>
    public int DensityCoverageK { get; init; } = 5;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static QualityReport FromJson(string json) =>
        JsonSerializer.Deserialize<QualityReport>(json, JsonOptions) ?? throw new JsonException("The JSON holds no quality report.");

    /// <summary>An aligned two-column table, one metric a line, then the class histogram if present.</summary>
    public string ToTable()
    {
        var rows = new List<(string Name, string Value)>
        {
            ("feature space", FeatureSpace),
            ("generated images", Count.ToString("N0", CultureInfo.InvariantCulture)),
            ("reference images", ReferenceCount.ToString("N0", CultureInfo.InvariantCulture)),
            ($"FD (N = {Count.ToString("N0", CultureInfo.InvariantCulture)})", Number(FrechetDistance, "F4")),
            ($"precision (k = {PrecisionRecallK})", Number(Precision, "F4")),
            ($"recall (k = {PrecisionRecallK})", Number(Recall, "F4")),
            ($"density (k = {DensityCoverageK})", Number(Density, "F4")),
            ($"coverage (k = {DensityCoverageK})", Number(Coverage, "F4")),
        };
        if (ClassEntropy is double entropy)
            rows.Add(("class entropy (nats)", Number(entropy, "F4") + (ClassHistogram is { Count: > 0 } h ? $" of {Number(Math.Log(h.Count), "F4")} max" : "")));
        if (ClassHistogram is not null)
            for (int c = 0; c < ClassHistogram.Count; c++)
                rows.Add(($"  {(ClassNames is not null && c < ClassNames.Count ? ClassNames[c] : $"class {c}")}", Number(100 * ClassHistogram[c], "F1") + "%"));

        int width = rows.Max(r => r.Name.Length);
        var text = new StringBuilder();
        foreach (var (name, value) in rows) text.Append(name.PadRight(width)).Append("  ").AppendLine(value);
        return text.ToString();
    }

    // Rounded to the printed digits first, then + 0.0 turns -0 (an entropy of one class, or a hair below 0 from rounding)
    // into 0, which prints without a sign.
    private static string Number(double value, string format) =>
        (format.Length > 1 && format[0] == 'F' && int.TryParse(format.Substring(1), out int digits) && digits <= 15 && double.IsFinite(value)
            ? Math.Round(value, digits) + 0.0 : value).ToString(format, CultureInfo.InvariantCulture);
}
