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
    /// <summary>What the reference images were (how many, which split, from where), when the caller said (msd evaluate does).</summary>
    public string? Reference { get; init; }

    /// <summary>What the scored images were (a model's checkpoint, weights, seed and sampler; or a file), when the caller said.</summary>
    public string? Generated { get; init; }

    /// <summary>Class names for <see cref="ClassHistogram"/>, when known.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The k of the precision/recall manifolds (Kynkäänniemi et al. use 3).</summary>
    public int PrecisionRecallK { get; init; } = 3;

    /// <summary>The k of density/coverage (Naeem et al. use 5).</summary>
    public int DensityCoverageK { get; init; } = 5;

    /// <summary>
    /// The kernel distance (<see cref="Evaluation.KernelDistance"/>, KID in Inception's space): unbiased, so it compares
    /// across counts, unlike FD. NaN when not measured (training evaluations skip it; reports from before it existed).
    /// </summary>
    public double KernelDistance { get; init; } = double.NaN;

    /// <summary>Its standard deviation over the subsets.</summary>
    public double KernelDistanceStd { get; init; } = double.NaN;

    /// <summary>The size of each subset it averaged over (min(1,000, both counts)); 0 when not measured.</summary>
    public int KernelDistanceSubsetSize { get; init; }

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
            ($"FD (N = {Count.ToString("N0", CultureInfo.InvariantCulture)})", Fixed(FrechetDistance, 4)),
            ($"precision (k = {PrecisionRecallK})", Fixed(Precision, 4)),
            ($"recall (k = {PrecisionRecallK})", Fixed(Recall, 4)),
            ($"density (k = {DensityCoverageK})", Fixed(Density, 4)),
            ($"coverage (k = {DensityCoverageK})", Fixed(Coverage, 4)),
        };
        if (!double.IsNaN(KernelDistance))
            rows.Add(($"kernel distance (subsets of {KernelDistanceSubsetSize.ToString("N0", CultureInfo.InvariantCulture)})",
                      $"{Fixed(KernelDistance, 5)} ± {Fixed(KernelDistanceStd, 5)}"));
        if (ClassEntropy is double entropy)
            rows.Add(("class entropy (nats)", Fixed(entropy, 4) + (ClassHistogram is { Count: > 0 } h ? $" of {Fixed(Math.Log(h.Count), 4)} max" : "")));
        if (ClassHistogram is not null)
            for (int c = 0; c < ClassHistogram.Count; c++)
                rows.Add(($"  {(ClassNames is not null && c < ClassNames.Count ? ClassNames[c] : $"class {c}")}", Fixed(100 * ClassHistogram[c], 1) + "%"));

        int width = rows.Max(r => r.Name.Length);
        var text = new StringBuilder();
        foreach (var (name, value) in rows) text.Append(name.PadRight(width)).Append("  ").AppendLine(value);
        return text.ToString();
    }

    // Rounded to the printed digits first, then + 0.0 turns -0 (an entropy of one class, or a hair below 0 from rounding)
    // into 0, which prints without a sign.
    private static string Fixed(double value, int digits) =>
        (double.IsFinite(value) ? Math.Round(value, digits) + 0.0 : value).ToString("F" + digits, CultureInfo.InvariantCulture);
}
