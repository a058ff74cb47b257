using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Language.Semantics;

/// <summary>
/// The statements of one { body }: reports unknown keywords (with a "did you mean"), repeated settings and a { body }
/// on a setting that takes none (it would be ignored), then hands out statements by keyword.
/// </summary>
internal sealed class Section
{
    private readonly List<MsdStatement> _statements = new();
    private readonly List<(string Meant, MsdStatement Statement)> _misspeltStatements = new();

    /// <param name="flags">Keywords that stand alone, without a value (a level's `attention`): see <see cref="InlineSettings"/>.</param>
    /// <param name="blocks">Keywords that take a { body } (the model's `encoder`, a decoder's `level`); any other keyword with one is an error.</param>
    public Section(IReadOnlyList<MsdStatement>? body, string context, DiagnosticBag diagnostics,
        IReadOnlyCollection<string> keywords, IReadOnlyCollection<string>? repeatable = null, IReadOnlyCollection<string>? flags = null,
        IReadOnlyCollection<string>? blocks = null)
    {
        var seen = new HashSet<string>();
        foreach (var statement in (body ?? new List<MsdStatement>()).SelectMany(s => InlineSettings.Split(s, keywords, flags)))
        {
            if (!keywords.Contains(statement.Keyword))
            {
                if (Suggestions.Closest(statement.Keyword, keywords) is { } meant) _misspeltStatements.Add((meant, statement));
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
            if (statement.Body is not null && (blocks is null || !blocks.Contains(statement.Keyword)))
                diagnostics.Error(DiagnosticIds.WrongValue, statement.KeywordSpan,
                    $"{Display.Quote(statement.Keyword)} takes no {{ ... }} body in {context}: write its settings beside it in the enclosing block");
            _statements.Add(statement);
        }
    }

    public MsdStatement? Get(string keyword) => _statements.FirstOrDefault(s => s.Keyword == keyword);

    /// <summary>
    /// Whether <paramref name="keyword"/> is missing and no unknown keyword of this section was taken for it: `widht 8`
    /// is one error (did you mean 'width'?), not that and a missing width.
    /// </summary>
    public bool Missing(string keyword) => Get(keyword) is null && !TakenFor(keyword).Any();

    /// <summary>The statements whose unknown keyword was taken for <paramref name="keyword"/> (`decodr b { ... }` for decoder).</summary>
    public IEnumerable<MsdStatement> TakenFor(string keyword) => _misspeltStatements.Where(m => m.Meant == keyword).Select(m => m.Statement);

    public IEnumerable<MsdStatement> All(string keyword) => _statements.Where(s => s.Keyword == keyword);
}
