using System;
using System.IO;
using System.Linq;

namespace DiffusionDsl.Cli.Tests.Lsp;

/// <summary>The document the language-server tests open, and LSP positions of text in it.</summary>
internal static class TestDocument
{
    public const string DocumentUri = "file:///work/TinyMultistage.msd";

    public static string Tiny => File.ReadAllText(Models.Tiny);

    /// <summary>Zero-based line and character of the first occurrence of <paramref name="text"/> in <paramref name="source"/> (after <paramref name="after"/>, when given).</summary>
    public static (int Line, int Character) Find(string source, string text, string? after = null)
    {
        int offset = source.IndexOf(text, after is null ? 0 : source.IndexOf(after, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(offset >= 0, $"'{text}' is not in the text");
        var before = source[..offset];
        return (before.Count(c => c == '\n'), offset - (before.LastIndexOf('\n') + 1));
    }
}
