using System.Globalization;
using DiffusionDsl.Language.Emitting;

namespace DiffusionDsl.Language.Backends.PyTorch;

/// <summary>Python literals for values from a checked model spec.</summary>
internal static class PythonLiteral
{
    /// <summary>A number that reads back as the same double, with a decimal point so Python keeps it a float.</summary>
    public static string Float(double value)
    {
        if (double.IsPositiveInfinity(value)) return "float(\"inf\")";
        string text = RoundTripNumber.Format(value);
        return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
    }

    public static string Bool(bool value) => value ? "True" : "False";

    /// <summary>A double-quoted string (Python reads the escapes as C# does).</summary>
    public static string String(string value) => AsciiLiterals.Quote(value);

    public static string Comment(string text) => AsciiLiterals.Comment(text);
}
