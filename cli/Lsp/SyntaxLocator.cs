using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>What sits at an offset of a parsed .msd: the innermost statement there, its enclosing statements, and the value under it.</summary>
internal sealed record SyntaxHit(MsdStatement Statement, IReadOnlyList<MsdStatement> Parents, MsdValue? Value, bool OnKeyword)
{
    /// <summary>The keyword of the enclosing statement ("model", "encoder", "stages", ...), or "" at the top.</summary>
    public string Section => Parents.Count == 0 ? "" : Parents[^1].Keyword;

    /// <summary>The stage name in a model's `decoder NAME`, when that is what the hit is on.</summary>
    public NameValue? DecoderStage => !OnKeyword && Value is NameValue name && Statement.Keyword == KeywordDocs.Decoder &&
                                      Section == KeywordDocs.Model && Statement.Values.Count > 0 && Statement.Values[0].Span == name.Span
        ? name
        : null;
}

internal static class SyntaxLocator
{
    public static SyntaxHit? Find(MsdDocument document, int offset) => Find(document.Statements, offset, new List<MsdStatement>());

    /// <summary>What sits at an editor position of a document (on a line that parses, when the text has syntax errors).</summary>
    public static SyntaxHit? Find(MsdDocumentState document, Position position) =>
        document.Tree is { } tree ? Find(tree, document.Lines.OffsetOf(position)) : null;

    private static SyntaxHit? Find(IReadOnlyList<MsdStatement> statements, int offset, List<MsdStatement> parents)
    {
        foreach (var statement in statements)
        {
            if (!Contains(statement.Span, offset) && !Contains(statement.KeywordSpan, offset)) continue;
            if (Contains(statement.KeywordSpan, offset)) return new SyntaxHit(statement, parents.ToList(), null, true);
            if (statement.Values.FirstOrDefault(v => Contains(v.Span, offset)) is { } value)
                return new SyntaxHit(statement, parents.ToList(), Innermost(value, offset), false);
            if (statement.Body is { } body)
            {
                parents.Add(statement);
                var inner = Find(body, offset, parents);
                parents.RemoveAt(parents.Count - 1);
                if (inner is not null) return inner;
            }
        }
        return null;
    }

    // The name inside vp(...) or [..] under the offset, so a hover on `vp` or on `beta_min` sees that word.
    private static MsdValue Innermost(MsdValue value, int offset) => value switch
    {
        CallValue call when Contains(call.NameSpan, offset) => new NameValue(call.Name, call.NameSpan),
        CallValue call => call.Arguments.FirstOrDefault(a => Contains(a.Span, offset)) is { } argument ? Innermost(argument, offset) : call,
        NamedValue named when Contains(named.NameSpan, offset) => new NameValue(named.Name, named.NameSpan),
        NamedValue named => Contains(named.Value.Span, offset) ? Innermost(named.Value, offset) : named,
        BracketValue list => list.Items.FirstOrDefault(i => Contains(i.Span, offset)) is { } item ? Innermost(item, offset) : list,
        _ => value,
    };

    // Inclusive of the end, so a cursor just after a word is on it.
    public static bool Contains(SourceSpan span, int offset) => offset >= span.Start && offset <= span.End;
}
