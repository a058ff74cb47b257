using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Language;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Generator;

/// <summary>The cached output for one .msd file: its diagnostics and, when it has no errors, its C# source.</summary>
public sealed record GeneratedFile(string Path, string HintName, string? Source, EquatableArray<MsdDiagnostic> Diagnostics)
{
    public static GeneratedFile From(MsdSource source, string? rootNamespace)
    {
        var hint = HintNameOf(source.Path);
        if (source.Text is null)
        {
            var bag = new DiagnosticBag(new LineMap(""));
            bag.Error(DiagnosticIds.SyntaxError, new SourceSpan(0, 0), $"Could not read '{source.Path}'");
            return new GeneratedFile(source.Path, hint, null, bag.Items.ToEquatableArray());
        }
        var compilation = MsdCompiler.Compile(source.Text, rootNamespace);
        string? code = null;
        if (compilation.Model is not null && compilation.Cost is not null)
        {
            try
            {
                code = ModelEmitter.Emit(compilation.Model, compilation.Cost, System.IO.Path.GetFileName(source.Path), SourceHash.Of(source.Text));
            }
            catch (Exception e)
            {
                var bag = new DiagnosticBag(new LineMap(source.Text));
                bag.Error(DiagnosticIds.InternalError, new SourceSpan(0, 0), $"Internal error emitting C# ({e.GetType().Name}: {e.Message})");
                return new GeneratedFile(source.Path, hint, null, compilation.Diagnostics.Concat(bag.Items).ToEquatableArray());
            }
        }
        return new GeneratedFile(source.Path, hint, code, compilation.Diagnostics);
    }

    private static string HintNameOf(string path)
    {
        var name = System.IO.Path.GetFileNameWithoutExtension(path);
        var safe = new string(name.Select(c => char.IsLetterOrDigit(c) || c == '_' || c == '.' ? c : '_').ToArray());
        // Two .msd files of the same name in different folders still get distinct hint names.
        return $"{(safe.Length == 0 ? "model" : safe)}.{SourceHash.Of(path).Substring(0, 8)}.msd.g.cs";
    }
}
