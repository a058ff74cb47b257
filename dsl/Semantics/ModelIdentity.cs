using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Language.Semantics;

/// <summary>
/// The C# name and namespace of a model's generated types, read from the text alone: a file that does not parse or
/// check still has them, and the generator uses them to keep the user's C# free of follow-on errors while the .msd
/// has errors of its own.
/// </summary>
public sealed record ModelIdentity(string Name, string? Namespace)
{
    /// <summary>The stages' C# property names (near_data: NearData), when the stages parse and every name is usable; else none.</summary>
    public EquatableArray<string> StageProperties { get; init; }

    /// <summary>
    /// The types the generated file declares in <see cref="Namespace"/>: the model, its encoder, trainer and sampler, and a
    /// decoder per stage in <see cref="StageProperties"/>.
    /// </summary>
    public IEnumerable<string> TypeNames() =>
        new[] { Name, Name + "Encoder", Name + "Trainer", Name + "Sampler" }.Concat(StageProperties.Select(p => Name + p + "Decoder"));

    /// <summary>The <see cref="TypeNames"/> with the namespace, as C# knows them.</summary>
    public IEnumerable<string> FullTypeNames() => TypeNames().Select(type => Namespace is null ? type : Namespace + "." + type);

    /// <summary>This identity with the stage names of <paramref name="document"/>'s `stages` block, when all of them are usable C# names.</summary>
    public ModelIdentity WithStagesOf(MsdDocument? document)
    {
        var stages = document?.StageLines.ToList();
        if (stages is null || stages.Count == 0 || stages.Count > MsdLimits.MaxStages) return this;
        var properties = stages.Select(s => CSharpNames.ToPascalCase(s.Keyword)).ToList();
        bool usable = properties.All(p => CSharpNames.Problem(p) is null && !GeneratedMembers.IsReserved(p, Name))
                      && properties.Distinct().Count() == properties.Count;
        return usable ? this with { StageProperties = properties.ToEquatableArray() } : this;
    }

    /// <summary>
    /// The first `model Name` and the first `namespace A.B` after it, or null when either is missing where written or is not
    /// a name the binder would accept. Without a namespace statement, <paramref name="defaultNamespace"/> (the project's
    /// root namespace) is used, as the binder does.
    /// </summary>
    public static ModelIdentity? Scan(string text, string? defaultNamespace)
    {
        var words = Words(text);
        int model = words.IndexOf("model");
        if (model < 0 || model + 1 >= words.Count) return null;
        string name = words[model + 1];
        if (CSharpNames.Problem(name) is not null || GeneratedMembers.IsReservedModelName(name)) return null;

        string? ns = CSharpNames.SafeNamespace(defaultNamespace);
        int statement = words.IndexOf("namespace", model + 2);
        if (statement >= 0)
        {
            if (statement + 1 >= words.Count || CSharpNames.NamespaceProblem(words[statement + 1]) is not null
                || GeneratedMembers.TypeHiddenByNamespace(words[statement + 1]) is not null) return null;
            ns = words[statement + 1];
        }
        else if (ns is not null && GeneratedMembers.TypeHiddenByNamespace(ns) is not null) return null; // the binder refuses it too
        var identity = new ModelIdentity(name, ns);
        return GeneratedMembers.ReferencedNameTakenBy(identity) is null ? identity : null;
    }

    /// <summary>The text's words (letters, digits, '_' and '.') and other characters, one entry each, comments skipped.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        for (int i = 0; i < text.Length;)
        {
            if (Comments.StartsAt(text, i)) { i = Comments.End(text, i); continue; }
            if (char.IsWhiteSpace(text[i])) { i++; continue; }
            int start = i;
            while (i < text.Length && IsWordCharacter(text[i])) i++;
            if (i == start) i++;
            words.Add(text.Substring(start, i - start));
        }
        return words;
    }

    /// <summary>The grammar's name characters (any letter or digit, '_'), and '.' for namespaces: a name the compiler refuses is read whole, and refused here too.</summary>
    private static bool IsWordCharacter(char c) => char.IsLetterOrDigit(c) || c is '_' or '.';
}
