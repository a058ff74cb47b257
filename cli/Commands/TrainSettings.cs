namespace DiffusionDsl.Cli.Commands;

/// <summary>`msd train` arguments; null means the .msd's train section decides.</summary>
public sealed record TrainSettings
{
    public required string Source { get; init; }
    public string? Model { get; init; }
    public required string Data { get; init; }
    public int? Steps { get; init; }
    public int? Batch { get; init; }
    public double? LearningRate { get; init; }
    public long? Seed { get; init; }
    public string? Output { get; init; }
    public string? Resume { get; init; }
    public string? Device { get; init; }
    /// <summary>auto, fp32 or bf16 (<see cref="DiffusionDsl.Runtime.Training.MixedPrecision"/>).</summary>
    public string? Precision { get; init; }
    /// <summary>mean or sum (<see cref="DiffusionDsl.Runtime.Training.LossReduction"/>).</summary>
    public string? LossReduction { get; init; }
    public int? Limit { get; init; }
    /// <summary>Random left-right flips (TrainOptions.HorizontalFlip).</summary>
    public bool? Flip { get; init; }
    public bool Progress { get; init; } = true;

    /// <summary>
    /// The options given that shape the run (" --output runs/x --steps 5000 ..."), for the line that says how to continue
    /// it: a run resumed without them would stop at the .msd's steps or train on with its batch and learning rate.
    /// </summary>
    public string TrainingOptionsText()
    {
        var text = new System.Text.StringBuilder();
        void Add(string option, object? value)
        {
            if (value is null) return;
            var shown = value is double d ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)
                      : value is bool b ? (b ? "true" : "false") : value.ToString();
            text.Append(' ').Append(option).Append(' ').Append(shown!.Contains(' ') ? $"\"{shown}\"" : shown);
        }
        Add("--output", Output); Add("--steps", Steps); Add("--batch", Batch); Add("--lr", LearningRate); Add("--seed", Seed);
        Add("--limit", Limit); Add("--flip", Flip); Add("--precision", Precision); Add("--loss-reduction", LossReduction);
        return text.ToString();
    }
}
