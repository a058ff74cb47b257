using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace DiffusionDsl.Runtime.Clustering;

/// <summary>
/// Writes new boundaries into the `stages { name [start, end) ... name [start, 1] }` block of an .msd
/// file by replacing only the inner boundary numbers' text spans, so comments (// or #), layout, line
/// endings and a BOM stay byte for byte. It reads text only and does not depend on the dsl project.
/// </summary>
public static partial class MsdStagesRewriter
{
    private const string Number = @"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?";

    /// <summary>`stages {`, `stages in t {` or `stages in sigma {`; the unit is captured.</summary>
    [GeneratedRegex(@"\bstages(?:\s+in\s+(?<unit>t|sigma))?\s*\{")]
    private static partial Regex BlockStart();

    /// <summary>Whether the file's stages block writes its boundaries in sigma rather than t.</summary>
    public static bool IsSigma(string text) => BlockStart().Match(BlankComments(text)).Groups["unit"].Value == "sigma";

    [GeneratedRegex(@"(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*\[\s*(?<start>" + Number + @")\s*,\s*(?<end>" + Number + @")\s*[\)\]]")]
    private static partial Regex StageLine();

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
        File.WriteAllBytes(path, bom ? new byte[] { 0xEF, 0xBB, 0xBF }.Concat(output).ToArray() : output);
    }

    /// <summary>The text with stage c's start and stage c-1's end set to boundaries[c-1].</summary>
    public static string Rewrite(string text, IReadOnlyList<double> boundaries, string format = "0.0000")
    {
        var code = BlankComments(text);
        var start = BlockStart().Match(code);
        if (!start.Success) throw new FormatException("no `stages {` block.");
        int bodyStart = start.Index + start.Length;
        int bodyEnd = code.IndexOf('}', bodyStart);
        if (bodyEnd < 0) throw new FormatException("the `stages {` block has no closing `}`.");

        var stages = StageLine().Matches(code[bodyStart..bodyEnd]);
        if (stages.Count != boundaries.Count + 1)
            throw new FormatException($"the stages block has {stages.Count} stages, but {boundaries.Count} boundaries make {boundaries.Count + 1}.");

        var edits = new List<(int Index, int Length, string Value)>();
        for (int c = 1; c < stages.Count; c++)
        {
            string value = boundaries[c - 1].ToString(format, CultureInfo.InvariantCulture);
            var end = stages[c - 1].Groups["end"];
            var begin = stages[c].Groups["start"];
            edits.Add((bodyStart + end.Index, end.Length, value));
            edits.Add((bodyStart + begin.Index, begin.Length, value));
        }

        var result = new StringBuilder(text);
        foreach (var edit in edits.OrderByDescending(e => e.Index))
            result.Remove(edit.Index, edit.Length).Insert(edit.Index, edit.Value);
        return result.ToString();
    }

    /// <summary>The text with every comment's characters replaced by spaces, so offsets still match.</summary>
    private static string BlankComments(string text)
    {
        var chars = text.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            bool comment = chars[i] == '#' || (chars[i] == '/' && i + 1 < chars.Length && chars[i + 1] == '/');
            if (!comment) continue;
            while (i < chars.Length && chars[i] != '\n' && chars[i] != '\r') chars[i++] = ' ';
        }
        return new string(chars);
    }
}
