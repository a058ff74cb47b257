using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Semantics;

namespace DiffusionDsl.Generator;

/// <summary>
/// The generated types of the project's working .msd files, file by file: a file that would declare a type an earlier
/// file already declares (the same model twice, or `model MEncoder` beside `model M`) gets an error at its model's name
/// and no C#, instead of CS0101 inside generated code.
/// </summary>
internal sealed class TypeClashes
{
    private readonly Dictionary<(string? Namespace, string Type), string> _declaredBy = new();

    /// <summary>The error for <paramref name="file"/> when one of its types is taken; otherwise null, and its types are taken.</summary>
    public MsdDiagnostic? Find(GeneratedFile file)
    {
        if (file.Declares is not { } identity || file.NameSite is not { } site) return null;
        var types = identity.TypeNames().ToList();
        foreach (var type in types)
            if (_declaredBy.TryGetValue((identity.Namespace, type), out var other))
                return site with
                {
                    Message = $"Model {Display.Quote(identity.Name)} would declare '{Qualified(identity.Namespace, type)}', which '{System.IO.Path.GetFileName(other)}' " +
                              $"({other}) already declares: rename one of the models or give it another namespace",
                };
        foreach (var type in types) _declaredBy[(identity.Namespace, type)] = file.Path;
        return null;
    }

    /// <summary>Whether any of <paramref name="identity"/>'s types is one a working file declares (a stand-in's, say).</summary>
    public bool Overlaps(ModelIdentity identity) => identity.TypeNames().Any(type => _declaredBy.ContainsKey((identity.Namespace, type)));

    private static string Qualified(string? ns, string type) => ns is null ? type : ns + "." + type;
}
