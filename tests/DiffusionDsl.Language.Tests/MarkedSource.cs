using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Language.Tests;

/// <summary>.msd text with the expected diagnostic span marked as ⟦...⟧.</summary>
internal sealed record MarkedSource(string Text, SourceSpan Expected)
{
    public static MarkedSource Parse(string marked)
    {
        int start = marked.IndexOf('⟦'), end = marked.IndexOf('⟧');
        var text = marked.Remove(end, 1).Remove(start, 1);
        return new MarkedSource(text, SourceSpan.FromBounds(start, end - 1));
    }
}
