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
        foreach (var statement in body ?? new List<MsdStatement>())
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

    public MsdStatement? Get(string keyword) => _statements.FirstOrDefault(s => s.Keyword == keyword);

    public IEnumerable<MsdStatement> All(string keyword) => _statements.Where(s => s.Keyword == keyword);
}
