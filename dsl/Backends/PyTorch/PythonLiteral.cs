using System.Globalization;
using System.Text;

namespace DiffusionDsl.Language.Backends.PyTorch;

/// <summary>Python literals for values from a checked model spec.</summary>
internal static class PythonLiteral
{
    /// <summary>A number that reads back as the same double ("R"), with a decimal point so Python keeps it a float.</summary>
    public static string Float(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
    }

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "True" : "False";

    /// <summary>A double-quoted string; everything outside printable ASCII is escaped.</summary>
    public static string String(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (char c in value)
        {
            if (c == '"' || c == '\\') builder.Append('\\').Append(c);
            else if (c >= 32 && c < 127) builder.Append(c);
            else builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }
        return builder.Append('"').ToString();
    }

    /// <summary>Text safe inside a # comment: one line, printable ASCII.</summary>
    public static string Comment(string text)
    {
        var builder = new StringBuilder();
        foreach (char c in text) builder.Append(c >= 32 && c < 127 ? c : '_');
        return builder.ToString();
    }
}
