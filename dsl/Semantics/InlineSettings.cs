using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Language.Semantics;

/// <summary>
/// Several settings may share a line: `width 128  mult [2, 2, 2]  blocks 4`. A value that is one of the section's
/// keywords starts a new setting, unless it comes right after a keyword that needs a value: `solver steps` is a solver
/// named steps (one error: no such solver), not a `solver` without a value followed by a second `steps` (three), and
/// `decoder sample { ... }` is the decoder of the stage called sample. Only a flag, a keyword that stands alone (a
/// level's `attention`), may be followed by the next setting at once. The compiler's sections and the editor's hovers
/// read lines by this one rule.
/// </summary>
public static class InlineSettings
{
    public static IEnumerable<MsdStatement> Split(MsdStatement statement, IReadOnlyCollection<string> keywords, IReadOnlyCollection<string>? flags = null)
    {
        string keyword = statement.Keyword;
        var keywordSpan = statement.KeywordSpan;
        var values = new List<MsdValue>();
        foreach (var value in statement.Values)
        {
            bool valueExpected = values.Count == 0 && (flags is null || !flags.Contains(keyword));
            if (value is not NameValue name || !keywords.Contains(name.Name) || valueExpected)
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
}
