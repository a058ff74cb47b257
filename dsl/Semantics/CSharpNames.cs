using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace DiffusionDsl.Language.Semantics;

/// <summary>Turns .msd names into C# identifiers and rejects those that are not safe.</summary>
public static class CSharpNames
{
    private static readonly HashSet<string> Keywords = new()
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
        // contextual keywords that are unsafe as type or member names (C# forbids types named required, file,
        // scoped or extension; var and dynamic would change what `var x = ...` means in the generated code)
        "var", "dynamic", "record", "global", "value", "nameof", "file", "scoped", "field", "partial", "await", "async",
        "required", "extension",
    };

    /// <summary>
    /// A type name of lower-case ASCII letters only, which C# warns of as a possible future keyword (CS8981); the generated
    /// class of a model named so keeps its name, and its file turns that warning off.
    /// </summary>
    public static bool IsLowerCaseAscii(string name) => name.Length > 0 && name.All(c => c is >= 'a' and <= 'z');

    public static bool IsKeyword(string name) => Keywords.Contains(name);

    /// <summary>A plain identifier: a letter or '_' first, then letters, digits or '_'; ASCII only.</summary>
    public static bool IsIdentifier(string name) =>
        name.Length > 0 && name.Length <= 200
        && (IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => IsAsciiLetter(c) || char.IsDigit(c) && c < 128 || c == '_')
        && !IsKeyword(name)
        && !name.StartsWith("__");

    /// <summary>
    /// The longest namespace: with the longest model and stage names (200 each) a generated type's full name stays under
    /// the 1,023 characters metadata allows (CS7013), and Roslyn binds it without recursing thousands of parts deep.
    /// </summary>
    public const int MaxNamespaceLength = 512;

    public static bool IsNamespace(string name) => name.Length <= MaxNamespaceLength && name.Split('.').All(IsIdentifier);

    /// <summary>
    /// A project's RootNamespace as a C# namespace, as Visual Studio's templates make one from a project name: each
    /// character that no identifier takes becomes '_', and a part that starts with a digit gets a '_' before it
    /// (my-diffusion.2d is my_diffusion._2d). MSBuild only replaces spaces, so a project named my-diffusion has the
    /// RootNamespace my-diffusion. Null when the result is still no namespace (a C# keyword, an empty part).
    /// </summary>
    public static string? SafeNamespace(string? rootNamespace)
    {
        if (string.IsNullOrEmpty(rootNamespace)) return null;
        var parts = rootNamespace!.Split('.').Select(part =>
        {
            var safe = new string(part.Select(c => IsAsciiLetter(c) || c is >= '0' and <= '9' || c == '_' ? c : '_').ToArray());
            return safe.Length > 0 && safe[0] is >= '0' and <= '9' ? "_" + safe : safe;
        });
        var name = string.Join(".", parts);
        return IsNamespace(name) ? name : null;
    }

    /// <summary>Why <paramref name="name"/> is not a usable identifier ("is a C# keyword", ...), or null when it is one.</summary>
    public static string? Problem(string name)
    {
        if (IsIdentifier(name)) return null;
        if (IsKeyword(name)) return "is a C# keyword";
        if (name.Length > 200) return "is longer than 200 characters";
        if (name.StartsWith("__")) return "starts with '__', which C# reserves";
        return "is not a C# identifier: use ASCII letters, digits and '_', starting with a letter or '_'";
    }

    /// <summary>Why <paramref name="name"/> is not a usable namespace, naming the part at fault, or null when it is one.</summary>
    public static string? NamespaceProblem(string name)
    {
        if (name.Length > MaxNamespaceLength) return $"is longer than {MaxNamespaceLength} characters";
        foreach (var part in name.Split('.'))
            if (Problem(part) is { } problem) return part == name ? problem : $"has a part {Diagnostics.Display.Quote(part)} that {problem}";
        return null;
    }

    /// <summary>A dotted name and the names it is reached through, longest first: A.B.C, A.B, A.</summary>
    public static IEnumerable<string> NameAndItsContainers(string dottedName)
    {
        for (int dot = dottedName.Length; dot > 0; dot = dottedName.LastIndexOf('.', dot - 1))
            yield return dottedName.Substring(0, dot);
    }

    /// <summary>near_data -> NearData; the result may still be invalid (e.g. "_1" -> "1").</summary>
    public static string ToPascalCase(string name)
    {
        var builder = new StringBuilder();
        foreach (var part in name.Split('_').Where(p => p.Length > 0))
            builder.Append(char.ToUpperInvariant(part[0])).Append(part.Substring(1));
        return builder.ToString();
    }

    private static bool IsAsciiLetter(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';
}
