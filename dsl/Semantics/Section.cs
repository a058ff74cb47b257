using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Language.Semantics;

/// <summary>
/// The statements of one { body }: reports unknown keywords (with a "did you mean") and repeated
/// settings, then hands out statements by keyword.
/// </summary>
internal sealed class Section
{
    private readonly List<MsdStatement> _statements = new();
    private readonly HashSet<string> _misspelt = new();

    /// <param name="namedFirst">
    /// Keywords whose first value is a name of the user's (`decoder sample { ... }`: the stage called sample), which
    /// never starts a new setting, even when it is spelled like a keyword.
    /// </param>
    /// <param name="flags">Keywords that stand alone, without a value (a level's `attention`).</param>
    public Section(IReadOnlyList<MsdStatement>? body, string context, DiagnosticBag diagnostics,
        IReadOnlyCollection<string> keywords, IReadOnlyCollection<string>? repeatable = null, IReadOnlyCollection<string>? namedFirst = null,
        IReadOnlyCollection<string>? flags = null)
    {
        var seen = new HashSet<string>();
        foreach (var statement in (body ?? new List<MsdStatement>()).SelectMany(s => SplitInlineSettings(s, keywords, namedFirst, flags)))
        {
            if (!keywords.Contains(statement.Keyword))
            {
                if (Suggestions.Closest(statement.Keyword, keywords) is { } meant) _misspelt.Add(meant);
                diagnostics.Error(DiagnosticIds.UnknownKeyword, statement.KeywordSpan,
                    $"Unknown keyword {Display.Quote(statement.Keyword)} in {context}; {Suggestions.Hint(statement.Keyword, keywords)}");
                continue;
            }
            if (!seen.Add(statement.Keyword) && (repeatable is null || !repeatable.Contains(statement.Keyword)))
            {
                diagnostics.Error(DiagnosticIds.DuplicateSetting, statement.KeywordSpan,
                    $"{Display.Quote(statement.Keyword)} is set more than once in {context}; keep one");
                continue;
            }
            _statements.Add(statement);
        }
    }

    /// <summary>
    /// Several settings may share a line: `width 128  mult [2, 2, 2]  blocks 4`. A value that is
    /// one of this section's keywords starts a new setting, unless it comes right after a keyword that needs a value:
    /// `solver steps` is a solver named steps (one error: no such solver), not a `solver` without a value followed by a
    /// second `steps` (three). One pass over the values.
    /// </summary>
    private static IEnumerable<MsdStatement> SplitInlineSettings(MsdStatement statement, IReadOnlyCollection<string> keywords,
        IReadOnlyCollection<string>? namedFirst, IReadOnlyCollection<string>? flags)
    {
        string keyword = statement.Keyword;
        var keywordSpan = statement.KeywordSpan;
        var values = new List<MsdValue>();
        foreach (var value in statement.Values)
        {
            bool protectedName = values.Count == 0 && namedFirst is not null && namedFirst.Contains(keyword);
            bool valueExpected = values.Count == 0 && (flags is null || !flags.Contains(keyword));
            if (value is not NameValue name || !keywords.Contains(name.Name) || protectedName || valueExpected)
            {
                values.Add(value);
                continue;
            }
            var span = values.Count > 0 ? keywordSpan.Cover(values[values.Count - 1].Span) : keywordSpan;
            yield return new MsdStatement(keyword, keywordSpan, values, null, span);
            keyword = name.Name;
            keywordSpan = name.Span;
            values = new List<MsdValue>();
        }
        yield return new MsdStatement(keyword, keywordSpan, values, statement.Body, SourceSpan.FromBounds(keywordSpan.Start, statement.Span.End));
    }

    public MsdStatement? Get(string keyword) => _statements.FirstOrDefault(s => s.Keyword == keyword);

    /// <summary>
    /// Whether <paramref name="keyword"/> is missing and no unknown keyword of this section was taken for it: `widht 8`
    /// is one error (did you mean 'width'?), not that and a missing width.
    /// </summary>
    public bool Missing(string keyword) => Get(keyword) is null && !_misspelt.Contains(keyword);

    public IEnumerable<MsdStatement> All(string keyword) => _statements.Where(s => s.Keyword == keyword);
}
