using System;
using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;
using DiffusionDsl.Runtime.Schedules;

namespace DiffusionDsl.Language.Semantics;

/// <summary>
/// Binds `stages [in t | in sigma] { name [start, end) ... }` and checks that the stages are
/// named well, in range, strictly increasing, contiguous, and cover the whole of [0, 1].
/// Boundaries in sigma are converted to t with the schedule, so both mean the same everywhere.
/// <para>
/// Two boundaries are the same when they differ by at most 1e-9 of their own size (a relative tolerance per
/// boundary, so sigma 80 and sigma 1e90 are never "the same"); each stage then starts exactly where the one before
/// ends. The network routes t in float64 against float64 boundaries, so any stage that is not empty in t is routed:
/// only a stage whose converted interval is empty (or inverted) is rejected.
/// </para>
/// </summary>
internal sealed class StageBinder
{
    private const double Tolerance = 1e-9;
    private readonly ValueReader _read;
    private DiagnosticBag Diagnostics => _read.Diagnostics;

    public StageBinder(ValueReader read) => _read = read;

    /// <summary>Each bound stage's line, after <see cref="Bind"/>.</summary>
    private IReadOnlyList<SourceSpan> _spans = new List<SourceSpan>();

    /// <param name="schedule">Null when the diffusion line has an error: stages in t are still checked, stages in sigma (which
    /// need it to convert) are not.</param>
    public List<StageSpec>? Bind(MsdStatement? statement, ScheduleSpec? schedule, string? modelName)
    {
        if (statement is null) return null;
        if (BindUnit(statement, schedule) is not bool inSigma) return null;
        if (statement.Body is null || statement.Body.Count == 0)
        {
            Diagnostics.Error(DiagnosticIds.MissingSetting, statement.KeywordSpan, "List the stages: stages { near_data [0, 0.5)  near_noise [0.5, 1] }");
            return null;
        }

        if (statement.Body.Count > MsdLimits.MaxStages)
        {
            Diagnostics.Error(DiagnosticIds.LimitExceeded, statement.Body[MsdLimits.MaxStages].KeywordSpan,
                $"{statement.Body.Count} stages are more than {MsdLimits.MaxStages}, the most a model may have");
            return null;
        }
        double lower = inSigma ? schedule!.Sigma(0) : 0, upper = inSigma ? schedule!.Sigma(1) : 1;
        string unit = inSigma ? "sigma" : "t";
        // An edge in sigma (sigma_min, sigma_max) is also met by the number messages and hovers show for it (Display.Number):
        // vp(0.1, 20)'s sigma_max is 152.16697..., and "must end at 152.167" must compile. The stages snap onto the edges.
        bool AtEdge(double value, double edge) => Same(value, edge) || (inSigma && Display.Number(value) == Display.Number(edge));
        var stages = new List<StageSpec>();
        var spans = new List<SourceSpan>();
        var names = new Dictionary<string, MsdStatement>();
        var properties = new Dictionary<string, string>();
        MsdStatement? previous = null;
        double previousEnd = double.NaN;
        bool ok = true;

        foreach (var line in statement.Body)
        {
            if (!CheckName(line, names, properties, modelName)) ok = false;
            bool isLast = ReferenceEquals(line, statement.Body[statement.Body.Count - 1]);
            var interval = ReadInterval(line, previous is null ? lower : previousEnd, previous?.Keyword);
            if (interval is not null) WarnOfOtherBrackets(line, isLast);
            // A stage without a readable interval has no end either: the next stage is not blamed for a gap after it.
            if (interval is null) { ok = false; previous = line; previousEnd = double.NaN; continue; }
            var (start, end, startSpan, endSpan) = interval.Value;

            // The first start and the last end are held to the edges themselves (MSD0023 says what to write there): one
            // error for such a value, not also "outside the range".
            bool first = previous is null, last = isLast && start < end;
            foreach (var (value, span, atAnEdge) in new[] { (start, startSpan, first), (end, endSpan, last) })
            {
                if (atAnEdge) continue;
                if ((value < lower && !AtEdge(value, lower)) || (value > upper && !AtEdge(value, upper)))
                {
                    Diagnostics.Error(DiagnosticIds.BoundaryOutOfRange, span,
                        $"Stage boundary {ValueReader.Format(value)} is outside [{ValueReader.Format(lower)}, {ValueReader.Format(upper)}] ({unit})");
                    ok = false;
                }
            }
            if (!(start < end))
            {
                Diagnostics.Error(DiagnosticIds.BoundariesNotIncreasing, line.Values[0].Span,
                    $"Stage {Display.Quote(line.Keyword)} must end after it starts: {ValueReader.Format(start)} is not below {ValueReader.Format(end)}");
                ok = false;
            }
            if (previous is not null && !double.IsNaN(previousEnd) && !Same(start, previousEnd))
            {
                string what = start > previousEnd ? "leaves a gap after" : "overlaps";
                Diagnostics.Error(DiagnosticIds.StagesNotContiguous, startSpan,
                    $"Stage {Display.Quote(line.Keyword)} starts at {ValueReader.Format(start)} but {Display.Quote(previous.Keyword)} ends at {ValueReader.Format(previousEnd)}: it {what} {Display.Quote(previous.Keyword)}. Start it at {Display.ExactNumber(previousEnd)}");
                ok = false;
            }
            if (previous is null && !AtEdge(start, lower))
            {
                Diagnostics.Error(DiagnosticIds.StagesDoNotCover, startSpan,
                    $"The first stage must start at {ValueReader.Format(lower)} ({unit}) so the stages cover the whole diffusion time");
                ok = false;
            }
            previous = line;
            // A stage that ends before it starts has no end to continue from: the next stage is not blamed for it.
            previousEnd = start < end ? end : double.NaN;
            double ToTime(double v) => inSigma ? schedule!.TimeOfSigma(v) : v;
            // Contiguous by construction: each stage starts exactly where the previous one ends.
            stages.Add(new StageSpec(line.Keyword, CSharpNames.ToPascalCase(line.Keyword),
                stages.Count == 0 ? 0 : stages[stages.Count - 1].End, ToTime(end), inSigma ? new SigmaRange(start, end) : null));
            spans.Add(line.Values[0].Span);
        }

        if (previous is not null && !double.IsNaN(previousEnd) && !AtEdge(previousEnd, upper))
        {
            var span = previous.Values.Count > 0 && previous.Values[0] is BracketValue { Items.Count: 2 } b ? b.Items[1].Span : previous.Span;
            Diagnostics.Error(DiagnosticIds.StagesDoNotCover, span,
                $"The last stage must end at {ValueReader.Format(upper)} ({unit}) so the stages cover the whole diffusion time");
            ok = false;
        }
        if (!ok) return null;
        // Snap the ends exactly onto 0 and 1 (sigma inversion is only accurate to ~1e-15).
        stages[stages.Count - 1] = stages[stages.Count - 1] with { End = 1 };
        for (int i = 0; i < stages.Count; i++)
        {
            if (stages[i].Start < stages[i].End) continue;
            // Only in sigma: two sigmas a rounding error apart can convert to the same t.
            Diagnostics.Error(DiagnosticIds.BoundariesNotIncreasing, spans[i],
                $"Stage {Display.Quote(stages[i].Name)} covers no diffusion time once converted to t (it starts at t = {Display.ExactNumber(stages[i].Start)} and ends at t = {Display.ExactNumber(stages[i].End)}); widen it or merge it into a neighbour");
            ok = false;
        }
        if (ok && schedule is { Kind: ScheduleKind.Ddpm } discrete) ok = EveryStageHoldsAStep(stages, spans, discrete.Steps);
        _spans = spans;
        return ok ? stages : null;
    }

    /// <summary>
    /// A discrete schedule trains on its steps t = n / (steps - 1) (DdpmLinearSchedule): a stage between two steps would
    /// have nothing to train on, and its decoder would still sample. A boundary within rounding of a step starts at it.
    /// </summary>
    private bool EveryStageHoldsAStep(List<StageSpec> stages, List<SourceSpan> spans, int steps)
    {
        bool ok = true;
        for (int i = 0; i < stages.Count; i++)
        {
            int first = DdpmBetas.FirstStepFrom(stages[i].Start, steps), end = i == stages.Count - 1 ? steps : DdpmBetas.FirstStepFrom(stages[i].End, steps);
            if (first < end) continue;
            Diagnostics.Error(DiagnosticIds.BoundariesNotIncreasing, spans[i],
                $"Stage {Display.Quote(stages[i].Name)} holds none of the schedule's {steps} steps (t = n / {steps - 1}), which a discrete schedule trains on: " +
                $"it lies between steps {first - 1} and {first}; widen it to take at least one");
            ok = false;
        }
        return ok;
    }

    /// <summary>
    /// Sampling stops at the sample section's end_time (by default a vp or cosine schedule's smallest time, 1e-3; ddpm
    /// and edm sample down to t = 0): a stage that ends there or below would never be sampled (VP trains from 1e-5, so its decoder would see the
    /// few times below and nothing else). Checked once the sample section is bound.
    /// </summary>
    public void CheckSamplingEnd(IReadOnlyList<StageSpec> stages, ScheduleKind kind, double? endTime)
    {
        if (kind is ScheduleKind.Edm || (kind is ScheduleKind.Ddpm && endTime is null)) return; // edm and ddpm sample down to t = 0
        double end = endTime ?? ScheduleDefaults.MinTime;
        string where = endTime is null ? $"where the {kind.ToString().ToLowerInvariant()} schedule's sampling ends" : "where the sample section's end_time stops sampling";
        foreach (int i in Enumerable.Range(0, stages.Count).Where(i => stages[i].End <= end))
            Diagnostics.Error(DiagnosticIds.BoundaryOutOfRange, _spans[i],
                $"Stage {Display.Quote(stages[i].Name)} ends at t = {Display.ExactNumber(stages[i].End)}, at or below t = {ValueReader.Format(end)}, {where}: no sample would use its decoder; end it above {ValueReader.Format(end)} or merge it into the next stage");
    }

    /// <summary>Equal within <see cref="Tolerance"/> of the larger magnitude: a relative tolerance, per boundary.</summary>
    private static bool Same(double a, double b) => a == b || Math.Abs(a - b) <= Tolerance * Math.Max(Math.Abs(a), Math.Abs(b));

    /// <summary>
    /// Whether the stages are written in sigma (else t); null when the unit is in error or cannot be converted with, as the
    /// boundaries cannot be judged then: one mistake in the unit is one error, not one more per boundary.
    /// </summary>
    private bool? BindUnit(MsdStatement statement, ScheduleSpec? schedule)
    {
        if (statement.Values.Count == 0) return false;
        _read.NoMoreThan(statement, 2);
        if (_read.Option(statement.Values[0], "word after 'stages'", new[] { "in" }) is null) return null;
        var unit = _read.Option(_read.At(statement, 1, "a unit: t or sigma"), "stage unit", new[] { "t", "sigma" });
        if (unit is null) return null;
        if (unit == "t") return false;
        if (schedule is null) return null;
        if (schedule.SupportsSigmaUnit) return true;
        Diagnostics.Error(DiagnosticIds.SigmaUnitUnsupported, statement.Values[1].Span,
            "Stages in sigma need a schedule with a closed-form sigma (vp, cosine or edm); write this discrete schedule's stages in t");
        return null;
    }

    private bool CheckName(MsdStatement line, Dictionary<string, MsdStatement> names, Dictionary<string, string> properties, string? modelName)
    {
        var property = CSharpNames.ToPascalCase(line.Keyword);
        if ((CSharpNames.Problem(line.Keyword) ?? CSharpNames.Problem(property)) is { } problem)
        {
            Diagnostics.Error(DiagnosticIds.InvalidName, line.KeywordSpan, CSharpNames.Problem(line.Keyword) is not null
                ? $"The stage name {Display.Quote(line.Keyword)} {problem}; rename the stage"
                : $"The stage name {Display.Quote(line.Keyword)} becomes the C# property {Display.Quote(property)}, which {problem}; use letters, digits and '_', starting with a letter");
            return false;
        }
        if (names.TryGetValue(line.Keyword, out _))
        {
            Diagnostics.Error(DiagnosticIds.DuplicateStage, line.KeywordSpan, $"Stage {Display.Quote(line.Keyword)} is declared twice; stage names must be unique");
            return false;
        }
        names[line.Keyword] = line;
        if (properties.TryGetValue(property, out var other))
        {
            Diagnostics.Error(DiagnosticIds.NameCollision, line.KeywordSpan,
                $"Stage {Display.Quote(line.Keyword)} and stage {Display.Quote(other)} both become the C# property {Display.Quote(property)}; rename one");
            return false;
        }
        properties[property] = line.Keyword;
        if (GeneratedMembers.IsReserved(property, modelName))
        {
            Diagnostics.Error(DiagnosticIds.NameCollision, line.KeywordSpan,
                $"Stage {Display.Quote(line.Keyword)} becomes the C# property {Display.Quote(property)}, which the generated model already uses; rename the stage");
            return false;
        }
        if (line.Body is not null)
        {
            Diagnostics.Error(DiagnosticIds.WrongValue, line.Span, $"A stage line is 'name [start, end)'; put decoder settings in 'decoder {line.Keyword} {{ ... }}'");
            return false;
        }
        return true;
    }

    /// <summary>
    /// Stages are half-open, [start, end), the last one closed, [start, 1]: each t belongs to one stage. An interval
    /// written otherwise, (0, 0.5] say, is still read so, which the writer may not expect (warning MSD0053).
    /// </summary>
    private void WarnOfOtherBrackets(MsdStatement line, bool last)
    {
        if (line.Values[0] is not BracketValue interval) return;
        char close = last ? ']' : ')';
        if (interval.Open == '[' && interval.Close == close) return;
        string readAs = $"[{interval.Items[0]}, {interval.Items[1]}{close}";
        Diagnostics.Warning(DiagnosticIds.StageBracketsMisread, interval.Span,
            $"Stage {Display.Quote(line.Keyword)} is written {Display.Quote(interval)}, but stages are [start, end) and the last one [start, end]: " +
            $"it is read as '{readAs}'; write it so");
    }

    /// <param name="expectedStart">Where this stage should start (NaN when unknown), for the message's example.</param>
    private (double Start, double End, SourceSpan StartSpan, SourceSpan EndSpan)? ReadInterval(MsdStatement line, double expectedStart, string? previousStage)
    {
        _read.NoMoreThan(line, 1);
        string example = double.IsNaN(expectedStart)
            ? "an interval [start, end)"
            : $"an interval [{Display.ExactNumber(expectedStart)}, end)" + (previousStage is null ? " (the first stage starts the range)" : $" (it starts where {Display.Quote(previousStage)} ends)");
        var value = _read.At(line, 0, example);
        if (value is null) return null;
        if (value is not BracketValue { Items.Count: 2 } interval)
        {
            Diagnostics.Error(DiagnosticIds.WrongValue, value.Span, $"Stage {Display.Quote(line.Keyword)} needs {example}, not {Display.Quote(value)}");
            return null;
        }
        var start = _read.Number(interval.Items[0], "a stage boundary");
        var end = _read.Number(interval.Items[1], "a stage boundary");
        if (start is null || end is null) return null;
        return (start.Value, end.Value, interval.Items[0].Span, interval.Items[1].Span);
    }
}
