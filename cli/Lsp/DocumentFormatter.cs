using DiffusionDsl.Language.Syntax;
using System;
using System.Collections.Generic;
using System.Text;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>
/// Document formatting: each line indented by its nesting (open '{', '[' and '(' before it, comments skipped; a line
/// starting with closers is indented at the level it closes to), trailing spaces removed. Everything inside a line
/// stays as written (the aligned stage tables and settings such as `width 16  mult [1, 2, 2]`), so formatting never
/// changes what the file means. Returns one edit replacing the whole text, or none when it is already formatted or
/// nests deeper than the compiler accepts (<see cref="MsdLimits.MaxNesting"/>).
/// </summary>
internal static class DocumentFormatter
{
    public static IReadOnlyList<TextEdit> Format(MsdDocumentState document, int tabSize, bool insertSpaces)
    {
        string formatted = Format(document.Text, insertSpaces ? new string(' ', Math.Clamp(tabSize, 1, 16)) : "\t");
        if (formatted == document.Text) return Array.Empty<TextEdit>();
        var lines = document.Lines;
        var end = lines.PositionOf(document.Text.Length);
        return new[] { new TextEdit(new Range(new Position(0, 0), end), formatted) };
    }

    public static string Format(string text, string indent)
    {
        var output = new StringBuilder(text.Length);
        int depth = 0;
        int i = 0;
        while (i <= text.Length)
        {
            int lineEnd = i;
            // The compiler's line breaks (U+2028 and its kin too): a comment ends at one, and so does the line whose
            // brackets set the next line's indent.
            while (lineEnd < text.Length && !LineBreaks.IsLineBreak(text[lineEnd])) lineEnd++;
            int breakLength = LineBreaks.LengthAt(text, lineEnd);
            string content = text.Substring(i, lineEnd - i).Trim(' ', '\t');

            int closers = 0;
            while (closers < content.Length && content[closers] is '}' or ']' or ')') closers++;
            if (content.Length > 0)
            {
                for (int level = Math.Max(0, depth - closers); level > 0; level--) output.Append(indent);
                output.Append(content);
            }
            depth = Math.Max(0, depth + Balance(content));
            // Deeper than the compiler accepts, the file is refused anyway; indenting it would grow as depth x lines.
            if (depth > MsdLimits.MaxNesting) return text;
            output.Append(text, lineEnd, breakLength);
            if (breakLength == 0) break;
            i = lineEnd + breakLength;
        }
        return output.ToString();
    }

    // Opened minus closed brackets on a line, up to a comment.
    private static int Balance(string line)
    {
        int balance = 0;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (Comments.StartsAt(line, i)) break;
            if (c is '{' or '[' or '(') balance++;
            else if (c is '}' or ']' or ')') balance--;
        }
        return balance;
    }
}
