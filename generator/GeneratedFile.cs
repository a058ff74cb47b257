using System;
using System.Linq;
using DiffusionDsl.Language;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Generator;

/// <summary>
/// The cached output for one .msd file: its diagnostics and its C#: the model when the file has no errors, otherwise
/// stand-ins that spare the user's C# follow-on errors (null when not even the model's name can be read).
/// </summary>
/// <param name="Declares">The model whose types <paramref name="Source"/> declares (null when there is no source).</param>
/// <param name="IsStandIn">Whether <paramref name="Source"/> holds stand-ins rather than the model.</param>
/// <param name="NameSite">An error at the model's name, to be given a message when another file declares the same types.</param>
public sealed record GeneratedFile(string Path, string HintName, string? Source, EquatableArray<MsdDiagnostic> Diagnostics,
    ModelIdentity? Declares = null, bool IsStandIn = false, MsdDiagnostic? NameSite = null)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <param name="projectDir">MSBuild's ProjectDir (build_property.ProjectDir), when the build passes it; it makes the hint name machine-independent.</param>
    /// <param name="cancellation">The generator's token: a cancelled compile ends with <see cref="OperationCanceledException"/>, which Roslyn expects.</param>
    public static GeneratedFile From(MsdSource source, string? rootNamespace, string? projectDir = null, System.Threading.CancellationToken cancellation = default)
    {
        string hint = "model.msd.g.cs";
        try
        {
            hint = HintNameOf(source.Path, projectDir);
            return Compile(source, rootNamespace, hint, cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The compiler guards its own steps; this catches the rest, so the generator never throws.
            return new GeneratedFile(source.Path, hint, null, new[] { InternalError(source.Text ?? "", "compiling", e) }.ToEquatableArray());
        }
    }

    private static GeneratedFile Compile(MsdSource source, string? rootNamespace, string hint, System.Threading.CancellationToken cancellation)
    {
        if (source.Text is null)
        {
            var bag = new DiagnosticBag(new LineMap(""));
            bag.Error(DiagnosticIds.SyntaxError, new SourceSpan(0, 0), $"Could not read '{source.Path}'");
            return new GeneratedFile(source.Path, hint, null, bag.Items.ToEquatableArray());
        }
        var compilation = MsdCompiler.Compile(source.Text, rootNamespace, out var syntax, cancellation);
        cancellation.ThrowIfCancellationRequested();
        if (compilation.Model is null || compilation.Cost is null)
            return StandIns(source, hint, rootNamespace, syntax, compilation.Diagnostics);
        try
        {
            var model = compilation.Model;
            var identity = new ModelIdentity(model.Name, model.Namespace) { StageProperties = model.Decoders.Select(d => d.PropertyName).ToEquatableArray() };
            return new GeneratedFile(source.Path, hint, ModelEmitter.Emit(model, compilation.Cost, System.IO.Path.GetFileName(source.Path), ModelHash.Of(model)),
                compilation.Diagnostics, identity, NameSite: NameSiteOf(source.Text, syntax));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return StandIns(source, hint, rootNamespace, syntax, compilation.Diagnostics.Concat(new[] { InternalError(source.Text, "emitting C#", e) }).ToEquatableArray());
        }
    }

    /// <summary>
    /// A file with errors: stand-ins for its model (<see cref="StandInEmitter"/>), or no source when its name or namespace
    /// cannot be read, or when the file is over the size limit (refused unread, on every edit in the IDE, so not scanned).
    /// </summary>
    private static GeneratedFile StandIns(MsdSource source, string hint, string? rootNamespace, MsdDocument? syntax,
                                          EquatableArray<MsdDiagnostic> diagnostics) =>
        source.Text!.Length <= MsdLimits.MaxLength && ModelIdentity.Scan(source.Text, rootNamespace)?.WithStagesOf(syntax) is { } identity
            ? new GeneratedFile(source.Path, hint, StandInEmitter.Emit(identity, System.IO.Path.GetFileName(source.Path)), diagnostics, identity, IsStandIn: true,
                                NameSite: NameSiteOf(source.Text!, syntax))
            : new GeneratedFile(source.Path, hint, null, diagnostics);

    /// <summary>An error without a message at the first model's name (the file's start when it has none that parses).</summary>
    private static MsdDiagnostic NameSiteOf(string text, MsdDocument? syntax)
    {
        var model = syntax?.Statements.FirstOrDefault(s => s.Keyword == "model");
        var bag = new DiagnosticBag(new LineMap(text));
        bag.Error(DiagnosticIds.NameCollision, model?.Values.FirstOrDefault()?.Span ?? model?.KeywordSpan ?? new SourceSpan(0, 0), "");
        return bag.Items[0];
    }

    private static MsdDiagnostic InternalError(string text, string doing, Exception e)
    {
        var bag = new DiagnosticBag(new LineMap(text));
        bag.Error(DiagnosticIds.InternalError, new SourceSpan(0, 0), $"Internal error {doing} ({e.GetType().Name}: {e.Message})");
        return bag.Items[0];
    }

    /// <summary>
    /// The hint name names the generated file (obj/generated, the IDE's tab, the PDB), so it must not depend on
    /// where the project is checked out, and it must be unique among the project's .msd files (AddSource throws on
    /// a duplicate). It is the file name plus a short hash of the path relative to the project folder, with '/'
    /// separators: the same on every machine, and different for two files of the same name in different folders.
    /// A file outside the project folder is named by its "../" path from it, which is just as portable. Only when
    /// there is no relative path (no ProjectDir from the build, or a file on another drive) is the hash of the full
    /// path: then the name is unique but tied to this machine, since uniqueness is the one that cannot give way.
    /// </summary>
    internal static string HintNameOf(string path, string? projectDir)
    {
        var name = System.IO.Path.GetFileNameWithoutExtension(path.Replace('\\', '/'));
        var safe = new string(name.Select(c => char.IsLetterOrDigit(c) || c == '_' || c == '.' ? c : '_').ToArray());
        var key = RelativePath(path, projectDir) ?? path.Replace('\\', '/');
        return $"{(safe.Length == 0 ? "model" : safe)}.{SourceHash.Of(key).Substring(0, 8)}.msd.g.cs";
    }

    /// <summary>The path of <paramref name="path"/> from the folder <paramref name="folder"/>, '/'-separated, or null when they share no root.</summary>
    internal static string? RelativePath(string path, string? folder)
    {
        if (string.IsNullOrEmpty(folder)) return null;
        var target = path.Replace('\\', '/').Split('/');
        var from = folder!.Replace('\\', '/').TrimEnd('/').Split('/');
        int common = 0;
        while (common < from.Length && common < target.Length - 1 && from[common] == target[common]) common++;
        if (common == 0) return null;
        var up = Enumerable.Repeat("..", from.Length - common);
        return string.Join("/", up.Concat(target.Skip(common)));
    }
}
