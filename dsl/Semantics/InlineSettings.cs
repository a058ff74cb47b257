using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Language.Semantics;

/// <summary>
/// Several settings may share a line: `width 128  mult [2, 2, 2]  blocks 4`. A value that is one of the section's
/// keywords starts a new setting, unless it comes right after a keyword that needs a value and no value of its own follows it:
/// `solver steps` is a solver named steps (one error: no such solver), not a `solver` without a value followed by a
/// `steps` without one (two), and `decoder sample { ... }` is the decoder of the stage called sample. A keyword with a
/// value of its own after it starts its setting even there: `solver steps 20` is a `solver` that lost its value (one
/// error) and `steps 20`, not an unknown solver `steps` with a stray 20. A flag, a keyword that stands alone (a level's
/// `attention`), is followed by the next setting at once. The compiler's sections and the editor's hovers
/// read lines by this one rule.
/// </summary>
public static class InlineSettings
{
    public static IEnumerable<MsdStatement> Split(MsdStatement statement, IReadOnlyCollection<string> keywords, IReadOnlyCollection<string>? flags = null)
    {
        string keyword = statement.Keyword;
        var keywordSpan = statement.KeywordSpan;
        var values = new List<MsdValue>();
        var all = statement.Values;
        for (int i = 0; i < all.Count; i++)
        {
            var value = all[i];
            bool hasOwnValue = i + 1 < all.Count && !(all[i + 1] is NameValue next && keywords.Contains(next.Name));
            bool valueExpected = values.Count == 0 && (flags is null || !flags.Contains(keyword)) && !hasOwnValue;
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
