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

    public Section(IReadOnlyList<MsdStatement>? body, string context, DiagnosticBag diagnostics,
        IReadOnlyCollection<string> keywords, IReadOnlyCollection<string>? repeatable = null)
    {
        var seen = new HashSet<string>();
        foreach (var statement in (body ?? new List<MsdStatement>()).SelectMany(s => SplitInlineSettings(s, keywords)))
        {
            if (!keywords.Contains(statement.Keyword))
            {
                diagnostics.Error(DiagnosticIds.UnknownKeyword, statement.KeywordSpan,
                    $"Unknown keyword '{statement.Keyword}' in {context}; {Suggestions.Hint(statement.Keyword, keywords)}");
                continue;
            }
            if (!seen.Add(statement.Keyword) && (repeatable is null || !repeatable.Contains(statement.Keyword)))
            {
                diagnostics.Error(DiagnosticIds.DuplicateSetting, statement.KeywordSpan,
                    $"'{statement.Keyword}' is set more than once in {context}; keep one");
                continue;
            }
            _statements.Add(statement);
        }
    }

    /// <summary>
    /// Several settings may share a line: `width 128  mult [2, 2, 2]  blocks 4`. A value that is
    /// one of this section's keywords starts a new setting.
    /// </summary>
    private static IEnumerable<MsdStatement> SplitInlineSettings(MsdStatement statement, IReadOnlyCollection<string> keywords)
    {
        var current = statement;
        for (int i = 0; i < current.Values.Count; i++)
        {
            if (current.Values[i] is not NameValue name || !keywords.Contains(name.Name)) continue;
            var head = current.Values.Take(i).ToList();
            var headSpan = head.Count > 0 ? current.KeywordSpan.Cover(head[head.Count - 1].Span) : current.KeywordSpan;
            yield return current with { Values = head, Body = null, Span = headSpan };
            current = new MsdStatement(name.Name, name.Span, current.Values.Skip(i + 1).ToList(), current.Body,
                SourceSpan.FromBounds(name.Span.Start, current.Span.End));
            i = -1;
        }
        yield return current;
    }

    public MsdStatement? Get(string keyword) => _statements.FirstOrDefault(s => s.Keyword == keyword);

    public IEnumerable<MsdStatement> All(string keyword) => _statements.Where(s => s.Keyword == keyword);
}
