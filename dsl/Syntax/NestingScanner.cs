using System.Collections.Generic;
using DiffusionDsl.Language.Diagnostics;

namespace DiffusionDsl.Language.Syntax;

/// <summary>
/// One linear pass over the text, before the grammar sees it: it skips comments, tracks braces, brackets and
/// parentheses on an explicit stack, and reports the first one that is never closed, closed by the wrong kind,
/// closed without being opened, or nested deeper than <see cref="MsdLimits.MaxNesting"/>. The grammar then only
/// runs on balanced, shallow text: its recursion is bounded, and a half-typed file (an open '{' at the end) is
/// reported here in microseconds instead of being re-parsed by every enclosing block.
/// Intervals close either way: [0, 0.5) and (0.5, 1] are both fine.
/// </summary>
internal static class NestingScanner
{
    public static bool Check(string text, DiagnosticBag diagnostics)
    {
        var open = new Stack<int>();
        var lines = new LineMap(text);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (Comments.StartsAt(text, i))
            {
                i = Comments.End(text, i) - 1; // the loop's i++ lands on the line break
                continue;
            }
            switch (c)
            {
                case '{' or '[' or '(':
                    if (open.Count == MsdLimits.MaxNesting)
                    {
                        diagnostics.Error(DiagnosticIds.LimitExceeded, new SourceSpan(i, 1),
                            $"Braces, brackets and parentheses nest more than {MsdLimits.MaxNesting} levels deep here; an .msd file may nest at most {MsdLimits.MaxNesting}");
                        return false;
                    }
                    open.Push(i);
                    break;
                case '}' or ']' or ')':
                    bool brace = c == '}';
                    if (open.Count == 0)
                    {
                        diagnostics.Error(DiagnosticIds.SyntaxError, new SourceSpan(i, 1),
                            $"Syntax error: unexpected '{c}'; no {(brace ? "'{'" : "'[' or '('")} is open" + (brace ? LostBraceHint(text, i, lines) : ""));
                        return false;
                    }
                    int opener = open.Peek();
                    if ((text[opener] == '{') != brace)
                    {
                        diagnostics.Error(DiagnosticIds.SyntaxError, new SourceSpan(i, 1),
                            $"Syntax error: unexpected '{c}'; expected {Closer(text[opener])} to close the '{text[opener]}' at {Where(lines, opener)}");
                        return false;
                    }
                    open.Pop();
                    break;
            }
        }
        if (open.Count == 0) return true;
        int unclosed = open.Peek();
        diagnostics.Error(DiagnosticIds.SyntaxError, new SourceSpan(text.Length, 0),
            $"Syntax error: unexpected end of file; expected {Closer(text[unclosed])} to close the '{text[unclosed]}' at {Where(lines, unclosed)}");
        return false;
    }

    /// <summary>The keywords whose statement has a body.</summary>
    private static readonly HashSet<string> BodyKeywords = new() { "model", "stages", "encoder", "decoder", "level", "train", "sample" };

    /// <summary>
    /// A '}' with nothing open most often closes a body whose '{' was lost (`encoder ddpmpp` and then its settings), far
    /// above it. The hint names the last line before it that starts a body without a '{' (on it or the next line).
    /// </summary>
    private static string LostBraceHint(string text, int closer, LineMap lines)
    {
        string? suspect = null;
        int suspectAt = 0;
        for (int start = 0; start < closer;)
        {
            int end = start;
            while (end < text.Length && !LineBreaks.IsLineBreak(text[end])) end++;
            string line = Code(text, start, end).Trim();
            string first = line.Split(' ', '\t')[0];
            int next = end + LineBreaks.LengthAt(text, end);
            if (BodyKeywords.Contains(first) && line.IndexOf('{') < 0 && !NextCodeStartsWithBrace(text, next))
                (suspect, suspectAt) = (line, start);
            if (end >= text.Length || next == end) break;
            start = next;
        }
        return suspect is null ? "" : $" (did {Display.Quote(suspect)} on line {lines.PositionOf(suspectAt).Line + 1} lose its '{{'?)";
    }

    /// <summary>The text of a line up to its comment.</summary>
    private static string Code(string text, int start, int end)
    {
        for (int i = start; i < end; i++)
            if (Comments.StartsAt(text, i, end)) return text.Substring(start, i - start);
        return text.Substring(start, end - start);
    }

    private static bool NextCodeStartsWithBrace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        return i < text.Length && text[i] == '{';
    }

    private static string Where(LineMap lines, int offset)
    {
        var position = lines.PositionOf(offset);
        return $"line {position.Line + 1}, column {position.Character + 1}";
    }

    private static string Closer(char opener) => opener == '{' ? "'}'" : "']' or ')'";
}
