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
                            $"Syntax error: unexpected '{c}'; no {(brace ? "'{'" : "'[' or '('")} is open");
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

    private static string Where(LineMap lines, int offset)
    {
        var position = lines.PositionOf(offset);
        return $"line {position.Line + 1}, column {position.Character + 1}";
    }

    private static string Closer(char opener) => opener == '{' ? "'}'" : "']' or ')'";
}
