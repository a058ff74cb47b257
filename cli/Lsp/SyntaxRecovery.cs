using System;
using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>
/// A syntax tree for a text that does not parse, which is most of the time while one types: hovers, definitions and
/// completion then still work on every line but the broken ones. Lines with a bracket left open are blanked with spaces
/// and missing closing braces added at the end; then the line of each syntax error in turn is blanked and the text
/// parsed again. Every offset of the text keeps its place, so the tree's spans are the text's.
/// </summary>
internal static class SyntaxRecovery
{
    /// <summary>Lines blanked at most before giving up: a text this broken is being rewritten, not typed.</summary>
    private const int MaxBlankedLines = 8;

    public static MsdDocument? Parse(string text) => Repair(text)?.Document;

    /// <summary>The text with its broken lines blanked (and missing '}' added), and its tree; null when it cannot be had.</summary>
    public static (string Text, MsdDocument Document)? Repair(string text)
    {
        if (text.Length > MsdLimits.MaxLength) return null;
        if (RepairBrackets(text) is not { } repaired) return null;
        for (int attempt = 0; attempt <= MaxBlankedLines; attempt++)
        {
            var diagnostics = new DiagnosticBag(new LineMap(repaired));
            if (MsdCompiler.Parse(repaired, diagnostics) is { } document) return (repaired, document);
            if (diagnostics.Items.FirstOrDefault(d => d.IsError) is not { } error) return null;
            var (start, end) = LineAround(repaired, Math.Min(error.Span.Start, repaired.Length));
            if (repaired.AsSpan(start, end - start).IsWhiteSpace()) return null; // nothing left to blank: no progress
            repaired = Blank(repaired, start, end);
        }
        return null;
    }

    /// <summary>
    /// Blanks each line with a '[' or '(' left open where a '}' or the end comes (a list or call being typed), and adds the
    /// '}' still missing at the end: the brackets then nest, so the grammar's errors are about single lines. Null when more
    /// than <see cref="MaxBlankedLines"/> lines are broken. One pass over the text, then one copy.
    /// </summary>
    private static string? RepairBrackets(string text)
    {
        var open = new Stack<(char Bracket, int At)>();
        var broken = new List<int>();
        for (int i = 0; i < text.Length; i++)
        {
            if (Comments.StartsAt(text, i)) { i = Comments.End(text, i) - 1; continue; }
            switch (text[i])
            {
                case '{' or '[' or '(': open.Push((text[i], i)); break;
                case '}':
                    while (open.Count > 0 && open.Peek().Bracket != '{') broken.Add(open.Pop().At);
                    if (open.Count > 0) open.Pop();
                    break;
                case ']' or ')': // either closes either: a stage's interval is [start, end)
                    if (open.Count > 0 && open.Peek().Bracket != '{') open.Pop();
                    break;
            }
        }
        int braces = 0;
        foreach (var (bracket, at) in open)
            if (bracket == '{') braces++;
            else broken.Add(at);

        // The starts of the broken lines, in one walk over the text with the brackets in order.
        broken.Sort();
        var lines = new SortedSet<int>();
        for (int i = 0, next = 0, lineStart = 0; i < text.Length && next < broken.Count; i++)
        {
            for (; next < broken.Count && broken[next] == i; next++)
                if (lines.Add(lineStart) && lines.Count > MaxBlankedLines) return null;
            if (LineBreaks.IsLineBreak(text[i])) lineStart = i + 1;
        }
        var repaired = text.ToCharArray();
        foreach (int start in lines)
            for (int i = start; i < repaired.Length && !LineBreaks.IsLineBreak(repaired[i]); i++) repaired[i] = ' ';
        return new string(repaired) + (braces == 0 ? "" : "\n" + new string('}', Math.Min(braces, MsdLimits.MaxNesting)));
    }

    /// <summary>The bounds of the line holding <paramref name="at"/>, without its line break.</summary>
    private static (int Start, int End) LineAround(string text, int at)
    {
        int start = at, end = at;
        while (start > 0 && !LineBreaks.IsLineBreak(text[start - 1])) start--;
        while (end < text.Length && !LineBreaks.IsLineBreak(text[end])) end++;
        return (start, end);
    }

    private static string Blank(string text, int start, int end) => text[..start] + new string(' ', end - start) + text[end..];
}
