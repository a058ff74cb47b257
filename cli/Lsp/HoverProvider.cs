using System.Globalization;
using System.Linq;
using System.Text;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>
/// Hovers: on a stage (its line in `stages`, or the name after `decoder`) its t and sigma range, parameters and GFLOPs
/// from the compiler's cost model; on a keyword, schedule or solver its doc line.
/// </summary>
internal static class HoverProvider
{
    public static Hover? At(MsdDocumentState document, Position position)
    {
        if (SyntaxLocator.Find(document, position) is not { } hit) return null;
        var statement = hit.Statement;

        if (hit.OnKeyword)
        {
            var range = document.Lines.RangeOf(statement.KeywordSpan.Start, statement.KeywordSpan.Length);
            if (hit.Section == KeywordDocs.Stages) return Markdown(Stage(document, statement.Keyword), range);
            return KeywordDocs.Keyword(hit.Section, statement.Keyword) is { } doc ? Markdown(doc, range) : null;
        }
        if (hit.Value is not NameValue name) return null;
        var nameRange = document.Lines.RangeOf(name.Span.Start, name.Span.Length);
        var (keyword, isKeyword) = SettingOf(hit, name);
        if (isKeyword && KeywordDocs.Keyword(hit.Section, keyword) is { } inlineDoc) return Markdown(inlineDoc, nameRange);
        string? text = keyword switch
        {
            KeywordDocs.Decoder when hit.DecoderStage is { } stage => Stage(document, stage.Name),
            "diffusion" => KeywordDocs.Schedule(name.Name),
            "solver" => KeywordDocs.Solver(name.Name),
            _ => null,
        };
        return text is null ? null : Markdown(text, nameRange);
    }

    /// <summary>
    /// The setting a value belongs to, read as the compiler reads a line whose settings share it (<see cref="InlineSettings"/>),
    /// and whether the value is that setting's keyword.
    /// </summary>
    private static (string Keyword, bool IsKeyword) SettingOf(SyntaxHit hit, NameValue name)
    {
        var keywords = KeywordDocs.KeywordsOf(hit.Section).Select(k => k.Keyword).ToList();
        var flags = hit.Section == KeywordDocs.Level ? new[] { "attention" } : null;
        var setting = InlineSettings.Split(hit.Statement, keywords, flags)
            .First(s => s.KeywordSpan == name.Span || s.Values.Any(v => v.Span.Start <= name.Span.Start && name.Span.End <= v.Span.End));
        return (setting.Keyword, setting.KeywordSpan == name.Span);
    }

    private static Hover Markdown(string text, Range range) => new(new MarkupContent("markdown", text), range);

    /// <summary>The stage's card, from this text's model or, while it has errors, the last one that compiled.</summary>
    internal static string Stage(MsdDocumentState document, string name)
    {
        var model = document.Model;
        var cost = document.Cost;
        int index = model?.Stages.ToList().FindIndex(s => s.Name == name) ?? -1;
        if (model is null || cost is null || index < 0)
            return $"**stage {name}**\n\n(no figures: " + (model is null ? "the model has not compiled yet" : "the last model that compiled has no such stage") + ")";

        var stage = model.Stages[index];
        bool last = index == model.Stages.Count - 1;
        var stageCost = cost.Stages.First(s => s.Stage == name);
        var text = new StringBuilder($"**stage {name}** of {model.Name}\n\n");
        text.Append($"- t in {Interval(stage.Start, stage.End, last)}\n");
        text.Append($"- sigma in {Sigma(model, stage, last)}\n");
        var decoder = model.Decoders.First(d => d.Stage == name);
        text.Append($"- decoder: {string.Join(" / ", decoder.Levels.Select(l => l.Width.ToString(CultureInfo.InvariantCulture)))} channels (lowest resolution first), {Count(stageCost.DecoderParameters)} parameters\n");
        text.Append($"- active in this stage: {Count(stageCost.ActiveParameters)} parameters (shared encoder {Count(cost.SharedParameters)})\n");
        text.Append($"- forward: {stageCost.GFlops.ToString("0.0000", CultureInfo.InvariantCulture)} GFLOPs per image");
        if (document.Figures == ModelFigures.LastCompiled) text.Append("\n\n(from the last version that compiled: this text has errors)");
        if (document.Figures == ModelFigures.WithoutBrokenLines) text.Append("\n\n(from this text without its broken lines: it has errors)");
        return text.ToString();
    }

    private static string Sigma(ModelSpec model, StageSpec stage, bool last)
    {
        if (stage.Sigma is { } written) return Interval(written.Start, written.End, last) + " (as written)";
        if (!model.Schedule.SupportsSigmaUnit) return $"not in closed form for the {model.Schedule.Keyword} schedule";
        return Interval(model.Schedule.Sigma(stage.Start), model.Schedule.Sigma(stage.End), last);
    }

    private static string Interval(double start, double end, bool closed) =>
        $"[{Number(start)}, {Number(end)}{(closed ? "]" : ")")}";

    private static string Number(double x) => DiffusionDsl.Language.Diagnostics.Display.Number(x);

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
