using System.Globalization;
using System.Text;

namespace DiffusionDsl.Generator;

/// <summary>Writes indented C# lines, and literals that cannot inject code.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public CodeWriter Line(string text = "")
    {
        if (text.Length > 0) _builder.Append(' ', _indent * 4).Append(text);
        _builder.Append('\n');
        return this;
    }

    /// <summary>The line, only when <paramref name="condition"/> holds (an optional setting of an initializer).</summary>
    public CodeWriter LineWhen(bool condition, string text) => condition ? Line(text) : this;

    public CodeWriter Open(string text)
    {
        Line(text).Line("{");
        _indent++;
        return this;
    }

    public CodeWriter Close(string suffix = "")
    {
        _indent--;
        return Line("}" + suffix);
    }

    public override string ToString() => _builder.ToString();

    public static string Number(double value) => DiffusionDsl.Language.Emitting.RoundTripNumber.Format(value);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A C# string literal; every character outside printable ASCII is escaped.</summary>
    public static string String(string value) => DiffusionDsl.Language.Emitting.AsciiLiterals.Quote(value);
}
