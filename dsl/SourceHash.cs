using System.Security.Cryptography;
using System.Text;

namespace DiffusionDsl.Language;

/// <summary>A stable 128-bit hash of text (SHA-256, line ends normalised): of an .msd file, or of <see cref="ModelHash"/>'s canonical form.</summary>
public static class SourceHash
{
    public static string Of(string text)
    {
        using var sha = SHA256.Create();
        var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n")));
        var builder = new StringBuilder();
        for (int i = 0; i < 16; i++) builder.Append(bytes[i].ToString("x2"));
        return builder.ToString();
    }
}
