using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using DiffusionDsl.Runtime.Clustering;

namespace DiffusionDsl.Cli.Commands;

/// <summary>Rewrites an .msd file's stages block whether its boundaries are in t or in sigma.</summary>
internal static partial class MsdStageUnit
{
    [GeneratedRegex(@"^\s*stages\s+in\s+sigma\s*\{", RegexOptions.Multiline)]
    private static partial Regex SigmaHeader();

    public static bool IsSigma(string msdText) => SigmaHeader().IsMatch(msdText);

    /// <summary>Writes boundaries given in the block's own unit, keeping every other byte (BOM included).</summary>
    public static void RewriteFile(string path, IReadOnlyList<double> boundaries)
    {
        var header = SigmaHeader().Match(ReadText(path, out _));
        if (!header.Success)
        {
            MsdStagesRewriter.RewriteFile(path, boundaries);
            return;
        }
        // MsdStagesRewriter only finds `stages {`, so hand it the block under that header and put ours back.
        var text = ReadText(path, out bool bom);
        int bodyStart = header.Index + header.Length;
        const string plain = "stages {";
        string body;
        try { body = MsdStagesRewriter.Rewrite(plain + text[bodyStart..], boundaries)[plain.Length..]; }
        catch (System.FormatException e) { throw new System.FormatException($"{path}: {e.Message}", e); }
        var bytes = new UTF8Encoding(false).GetBytes(text[..bodyStart] + body);
        File.WriteAllBytes(path, bom ? new byte[] { 0xEF, 0xBB, 0xBF }.Concat(bytes).ToArray() : bytes);
    }

    private static string ReadText(string path, out bool bom)
    {
        var bytes = File.ReadAllBytes(path);
        bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
        return new UTF8Encoding(false).GetString(bytes, bom ? 3 : 0, bytes.Length - (bom ? 3 : 0));
    }
}
