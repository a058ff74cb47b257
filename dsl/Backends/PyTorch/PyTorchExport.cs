using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiffusionDsl.Language.Semantics;

namespace DiffusionDsl.Language.Backends.PyTorch;

/// <summary>One file of an export: its name in the output folder and its text.</summary>
public sealed record ExportedFile(string Name, string Text);

/// <summary>
/// The compiler's second backend: from the checked spec the C# emitter uses, a PyTorch module equivalent to the generated
/// TorchSharp model (&lt;model&gt;.py), a DDP trainer for torchrun (train.py), a sampler (sample.py) and a README with
/// the commands.
/// </summary>
public static class PyTorchExport
{
    /// <summary>The mechanics every model module starts with.</summary>
    internal const string Runtime = "multistage_runtime.py";

    /// <summary>The scripts beside the model module, which import it.</summary>
    internal static readonly string[] Scripts = { "train.py", "sample.py" };

    /// <param name="sourceFile">The .msd file's name, for the headers.</param>
    /// <param name="sourceHash">The model's <see cref="ModelHash"/>, which checkpoints of either side carry.</param>
    public static IReadOnlyList<ExportedFile> Files(ModelSpec model, string sourceFile, string sourceHash)
    {
        string module = PythonNames.Module(model.Name);
        string Fill(string template) => PythonResources.Read(template)
            .Replace("{{MODULE}}", module)
            .Replace("{{MODEL}}", PythonNames.Class(model.Name))
            .Replace("{{SOURCE}}", PythonLiteral.Comment(sourceFile));
        return new[] { new ExportedFile(module + ".py", PythonModelEmitter.Emit(model, sourceFile, sourceHash)) }
            .Concat(Scripts.Append("README.md").Select(name => new ExportedFile(name, Fill(name))))
            .Select(file => file with { Text = ExportedFiles.Seal(file.Text) })
            .ToArray();
    }

    /// <summary>
    /// Writes <see cref="Files"/> into <paramref name="folder"/> (created if needed); returns the paths written. An earlier
    /// export's files are replaced; a file of the same name that no export wrote, or one edited since, is not, and nothing
    /// is written (see <see cref="ExportedFiles.FirstProtected"/>) unless <paramref name="overwrite"/>.
    /// </summary>
    /// <exception cref="IOException">The folder holds a file of the export's name that no export wrote or that was edited.</exception>
    public static IReadOnlyList<string> Write(ModelSpec model, string sourceFile, string sourceHash, string folder, bool overwrite = false)
    {
        var files = Files(model, sourceFile, sourceHash);
        // --force replaces files of another's, not a folder in a file's place.
        if (ExportedFiles.FirstProtected(folder, files.Select(f => f.Name)) is var (path, problem) && (!overwrite || problem == ExportedFiles.Problem.Folder))
            throw new IOException(ExportedFiles.Describe(path, problem, forBuild: false));
        return WriteFiles(files, folder);
    }

    private static IReadOnlyList<string> WriteFiles(IReadOnlyList<ExportedFile> files, string folder)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        foreach (var file in files)
        {
            var path = Path.Combine(folder, file.Name);
            File.WriteAllText(path, file.Text);
            written.Add(path);
        }
        return written;
    }

    /// <summary>
    /// Compiles an .msd file and writes its export into <paramref name="folder"/>: what the MSBuild opt-in
    /// (MsdExportPyTorch) calls, by reflection, after a build. Returns the compiler's errors, formatted as the build
    /// reports them, or the file of the user's that the export would replace; nothing is written when there are any.
    /// </summary>
    public static string[] WriteFolder(string msdPath, string folder)
    {
        var text = File.ReadAllText(msdPath);
        var compilation = MsdCompiler.Compile(text);
        if (compilation.Model is null)
            return compilation.Diagnostics.Where(d => d.IsError).Select(d => d.Format(msdPath)).ToArray();
        var files = Files(compilation.Model, Path.GetFileName(msdPath), ModelHash.Of(compilation.Model));
        if (ExportedFiles.FirstProtected(folder, files.Select(f => f.Name)) is var (path, problem))
            return new[] { ExportedFiles.Describe(path, problem, forBuild: true) };
        WriteFiles(files, folder);
        return new string[0];
    }
}
