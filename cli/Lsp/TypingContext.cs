using DiffusionDsl.Language.Syntax;
using System.Collections.Generic;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>
/// Where the cursor is, read from the text before it by the grammar's own token rules (comments `//` and `#`,
/// statements ending at a line break, ';', '{' or '}'), without parsing: the section (the keyword of the innermost open
/// '{' statement, "" at the top), the complete words of the statement being typed (the word under the cursor excluded),
/// and whether the cursor is inside a comment or inside (...) or [...].
/// </summary>
internal sealed record TypingContext(string Section, IReadOnlyList<string> StatementWords, int Offset, bool InComment = false, bool InBrackets = false)
{
    public static TypingContext Before(string text, int offset)
    {
        var sections = new Stack<string>();
        var words = new List<string>();
        int bracketDepth = 0;
        int i = 0;
        while (i < offset)
        {
            char c = text[i];
            if (Comments.StartsAt(text, i, offset))
            {
                i = Comments.End(text, i, offset);
                if (i == offset) return new TypingContext(sections.Count > 0 ? sections.Peek() : "", words, offset, InComment: true);
                continue;
            }
            if (IsNamePart(c))
            {
                int start = i;
                while (i < offset && (IsNamePart(text[i]) || text[i] == '.')) i++;
                // The word under the cursor is still being typed; words inside (...) and [...] are values, not the statement's words.
                if (i < offset && bracketDepth == 0) words.Add(text.Substring(start, i - start));
                continue;
            }
            switch (c)
            {
                case '{':
                    sections.Push(words.Count > 0 ? words[0] : "");
                    words.Clear();
                    bracketDepth = 0;
                    break;
                case '}':
                    if (sections.Count > 0) sections.Pop();
                    words.Clear();
                    bracketDepth = 0;
                    break;
                case var end when bracketDepth == 0 && (end == ';' || LineBreaks.IsLineBreak(end)):
                    words.Clear();
                    break;
                case '(' or '[': bracketDepth++; break;
                case ')' or ']': if (bracketDepth > 0) bracketDepth--; break;
            }
            i++;
        }
        return new TypingContext(sections.Count > 0 ? sections.Peek() : "", words, offset, InBrackets: bracketDepth > 0);
    }

    private static bool IsNamePart(char c) => char.IsLetterOrDigit(c) || c == '_';
}
