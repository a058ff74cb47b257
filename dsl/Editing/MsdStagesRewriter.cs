using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Language.Editing;

/// <summary>
/// Writes new boundaries into the `stages { name [start, end) ... name [start, 1] }` block of an .msd file by
/// replacing only the inner boundary numbers' text spans, as the compiler's parser found them, so comments (// or #),
/// layout, line endings and a BOM stay byte for byte.
/// </summary>
public static class MsdStagesRewriter
{
    /// <summary>Whether the file's stages block writes its boundaries in sigma (`stages in sigma`) rather than t.</summary>
    public static bool IsSigma(string text)
    {
        var stages = FindStages(text, out _);
        return stages is { Values.Count: 2 } && stages.Values[1] is NameValue { Name: "sigma" };
    }

    /// <summary>Boundaries are in the block's own unit: t, or sigma for `stages in sigma`.</summary>
    public static void RewriteFile(string path, IReadOnlyList<double> boundaries, string format = "0.0000")
    {
        var bytes = File.ReadAllBytes(path);
        bool bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
        var text = new UTF8Encoding(false).GetString(bytes, bom ? 3 : 0, bytes.Length - (bom ? 3 : 0));
        string rewritten;
        try { rewritten = Rewrite(text, boundaries, format); }
        catch (FormatException e) { throw new FormatException($"{path}: {e.Message}", e); }
        var output = new UTF8Encoding(false).GetBytes(rewritten);
        ReplaceWhole(path, bom ? new byte[] { 0xEF, 0xBB, 0xBF }.Concat(output).ToArray() : output);
    }

    /// <summary>
    /// Writes the new text beside the file and renames it over the file, so a write that fails part way (a full disk, a
    /// quota) leaves the user's hand-written .msd as it was instead of truncated; the temporary file goes with the failure.
    /// </summary>
    private static void ReplaceWhole(string path, byte[] bytes)
    {
        // A rename would replace a read-only file too; refuse it as writing into it would have.
        var attributes = File.GetAttributes(path);
        if ((attributes & FileAttributes.ReadOnly) != 0)
            throw new UnauthorizedAccessException($"{path} is read-only: its stages were not rewritten.");
        // A rename would also turn a symbolic link into a file of its own: write through the link, as before.
        if ((attributes & FileAttributes.ReparsePoint) != 0)
        {
            File.WriteAllBytes(path, bytes);
            return;
        }
        var temporary = path + ".msd-rewrite.tmp";
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Replace(temporary, path, destinationBackupFileName: null);
        }
        catch
        {
            try { File.Delete(temporary); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // the first failure is the one to report
            throw;
        }
    }

    /// <summary>The text with stage c's start and stage c-1's end set to boundaries[c-1].</summary>
    public static string Rewrite(string text, IReadOnlyList<double> boundaries, string format = "0.0000")
    {
        var block = FindStages(text, out var syntaxError);
        if (block is null) throw new FormatException(syntaxError ?? "no `stages {` block.");

        // Every stage line the block holds: `name [start, end)` with two numbers.
        var stages = (block.Body ?? Array.Empty<MsdStatement>())
            .Select(s => s.Values.Count > 0 && s.Values[0] is BracketValue { Items.Count: 2 } interval
                         && interval.Items[0] is NumberValue start && interval.Items[1] is NumberValue end ? (start, end) : default)
            .Where(s => s.start is not null)
            .ToList();
        if (stages.Count != boundaries.Count + 1)
            throw new FormatException($"the stages block has {stages.Count} stages, but {boundaries.Count} boundaries make {boundaries.Count + 1}.");

        var edits = new List<(SourceSpan Span, string Value)>();
        for (int c = 1; c < stages.Count; c++)
        {
            string value = boundaries[c - 1].ToString(format, CultureInfo.InvariantCulture);
            edits.Add((stages[c - 1].end.Span, value));
            edits.Add((stages[c].start.Span, value));
        }

        var result = new StringBuilder(text);
        foreach (var (span, value) in edits.OrderByDescending(e => e.Span.Start))
            result.Remove(span.Start, span.Length).Insert(span.Start, value);
        return result.ToString();
    }

    /// <summary>The first `stages` statement with a body, in document order; null (with the syntax error, if any) when there is none.</summary>
    private static MsdStatement? FindStages(string text, out string? syntaxError)
    {
        var diagnostics = new DiagnosticBag(new LineMap(text));
        var document = MsdCompiler.Parse(text, diagnostics);
        syntaxError = document is null ? diagnostics.Items.FirstOrDefault()?.Message : null;
        return document is null ? null : Find(document.Statements);
    }

    private static MsdStatement? Find(IReadOnlyList<MsdStatement> statements)
    {
        foreach (var statement in statements)
        {
            if (statement.Body is null) continue;
            if (statement.Keyword == "stages") return statement;
            if (Find(statement.Body) is { } inner) return inner;
        }
        return null;
    }
}
