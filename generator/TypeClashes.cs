using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Semantics;

namespace DiffusionDsl.Generator;

/// <summary>
/// The generated types and namespaces of the project's .msd files, file by file. A working file that would declare a type
/// an earlier file already declares (the same model twice, or `model MEncoder` beside `model M`), a type where an earlier
/// file has a namespace (`model X` beside `namespace X`), or a namespace through an earlier file's type gets an error at
/// its model's name and no C#, instead of CS0101 or CS0426 inside generated code. Stand-ins are taken after the working
/// files and only where they clash with nothing taken before them.
/// </summary>
internal sealed class TypeClashes
{
    private readonly Dictionary<string, string> _typeDeclaredBy = new(System.StringComparer.Ordinal);
    // Every namespace a file declares its types in, and each one it is reached through (A.B.C: A.B.C, A.B and A).
    private readonly Dictionary<string, string> _namespaceUsedBy = new(System.StringComparer.Ordinal);

    /// <summary>The error for <paramref name="file"/> when one of its names is taken; otherwise null, and its names are taken.</summary>
    public MsdDiagnostic? Find(GeneratedFile file)
    {
        if (file.Declares is not { } identity || file.NameSite is not { } site) return null;
        if (Clash(identity) is { } problem)
            return site with { Message = $"Model {Display.Quote(identity.Name)} {problem}: rename one of the models or give it another namespace" };
        Take(identity, file.Path);
        return null;
    }

    /// <summary>Takes <paramref name="identity"/>'s names for a stand-in when nothing taken before clashes with them; false when something does.</summary>
    public bool TryTake(ModelIdentity identity, string path)
    {
        if (Clash(identity) is not null) return false;
        Take(identity, path);
        return true;
    }

    private string? Clash(ModelIdentity identity)
    {
        foreach (var type in identity.FullTypeNames())
        {
            if (_typeDeclaredBy.TryGetValue(type, out var other)) return $"would declare '{type}', which {FileName(other)} already declares";
            if (_namespaceUsedBy.TryGetValue(type, out other)) return $"would declare a type '{type}', where {FileName(other)} has the namespace '{type}'";
        }
        foreach (var ns in ContainersOf(identity.Namespace))
            if (_typeDeclaredBy.TryGetValue(ns, out var other))
                return $"is in the namespace '{identity.Namespace}', and {FileName(other)} declares a type '{ns}' there, which would hide it";
        return null;
    }

    private void Take(ModelIdentity identity, string path)
    {
        foreach (var type in identity.FullTypeNames()) _typeDeclaredBy[type] = path;
        foreach (var ns in ContainersOf(identity.Namespace))
            if (!_namespaceUsedBy.ContainsKey(ns)) _namespaceUsedBy[ns] = path;
    }

    private static IEnumerable<string> ContainersOf(string? ns) => ns is null ? Enumerable.Empty<string>() : CSharpNames.NameAndItsContainers(ns);

    private static string FileName(string path) => $"'{System.IO.Path.GetFileName(path)}' ({path})";
}
