using System;
using System.IO;
using DiffusionDsl.Cli.Commands;
using DiffusionDsl.Language;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Cli.Tests;

/// <summary>
/// `msd export pytorch` and `msd export weights` as a user runs them, with the exported train.py and sample.py run by
/// Python: a PyTorch checkpoint samples with `msd sample`, and a C# checkpoint starts train.py.
/// </summary>
public class ExportCommandTests : IClassFixture<TrainedTinyGray>
{
    private static readonly TimeSpan Minutes = TimeSpan.FromMinutes(4);
    private readonly TrainedTinyGray _run;

    public ExportCommandTests(TrainedTinyGray run) => _run = run;

    private static (int Exit, string Text) Msd(params string[] args)
    {
        var console = new RecordingConsole();
        int exit = CliApp.Run(args, console.Console, console.Writer);
        return (exit, console.Text);
    }

    private static string ExportTinyGray(ScratchFolder folder)
    {
        var output = folder.File("py");
        var (exit, text) = Msd("export", "pytorch", TinyModelsAssembly.Source("TinyGray"), "-o", output);
        Assert.True(exit == 0, text);
        return output;
    }

    [Fact]
    public void WritesTheModuleTrainerSamplerAndReadmeWithTheModelsHash()
    {
        using var folder = new ScratchFolder();
        var output = ExportTinyGray(folder);

        foreach (var file in new[] { "tiny_gray.py", "train.py", "sample.py", "README.md" }) Assert.True(File.Exists(Path.Combine(output, file)), file);
        var hash = ModelHash.Of(MsdCompiler.Compile(File.ReadAllText(TinyModelsAssembly.Source("TinyGray"))).Model!);
        var printed = PythonWithTorch.Run(new[] { "-c", "import tiny_gray as m; n = m.create_model(); print(m.SOURCE_HASH, sum(p.numel() for p in n.parameters()))" },
                                          Minutes, workingDirectory: output);
        Assert.Equal($"{hash} 66374", printed.Trim());
    }

    /// <summary>
    /// The paper's LDM configuration (`encoder adm`) exports, and its PyTorch module builds the reference's 493,841,449
    /// parameters, as the compiler counts them.
    /// </summary>
    [Fact]
    public void ThePapersLdmConfigExportsWithTheReferencesParameterCount()
    {
        using var folder = new ScratchFolder();
        var source = Path.Combine(RepositoryRoot.Path, "examples", "LatentPaper", "CelebAHqLatentMultistage.msd");
        var output = folder.File("py");
        var (exit, text) = Msd("export", "pytorch", source, "-o", output);
        Assert.True(exit == 0, text);
        var count = MsdCompiler.Compile(File.ReadAllText(source)).Cost!.TotalParameters;
        Assert.Equal(493_841_449, count);
        var printed = PythonWithTorch.Run(new[] { "-c", "import celeb_a_hq_latent_multistage as m; print(sum(p.numel() for p in m.create_model().parameters()))" },
                                          Minutes, workingDirectory: output);
        Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), printed.Trim());
    }

    [Fact]
    public void ExportingAgainReplacesTheExportButNotAUsersFileOfTheSameName()
    {
        using var folder = new ScratchFolder();
        var output = ExportTinyGray(folder);
        ExportTinyGray(folder);

        var readme = Path.Combine(output, "README.md");
        File.WriteAllText(readme, "my notes\n");
        File.Delete(Path.Combine(output, "train.py"));
        var (exit, text) = Msd("export", "pytorch", TinyModelsAssembly.Source("TinyGray"), "-o", output);
        Assert.Equal(1, exit);
        Assert.Contains($"error: {readme} was not written by msd export pytorch; nothing was exported", text);
        Assert.Equal("my notes\n", File.ReadAllText(readme));
        Assert.False(File.Exists(Path.Combine(output, "train.py")));

        var (forced, forcedText) = Msd("export", "pytorch", TinyModelsAssembly.Source("TinyGray"), "-o", output, "--force");
        Assert.True(forced == 0, forcedText);
        Assert.Contains("msd export pytorch", File.ReadAllText(readme));
        Assert.True(File.Exists(Path.Combine(output, "train.py")));
    }

    /// <summary>
    /// A file the export cannot read (locked here) or a folder of an exported file's name is said as what it is; both were
    /// reported as "not written by msd export pytorch" (a reviewer's finding).
    /// </summary>
    [Fact]
    public void AnUnreadableFileOrAFolderInTheWayIsSaidAsWhatItIs()
    {
        using var folder = new ScratchFolder();
        var output = ExportTinyGray(folder);
        var train = Path.Combine(output, "train.py");
        (int Exit, string Text) result;
        using (new FileStream(train, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            result = Msd("export", "pytorch", TinyModelsAssembly.Source("TinyGray"), "-o", output);
        Assert.Equal(1, result.Exit);
        Assert.Contains($"error: {train} cannot be read (its permissions, or a lock), so it cannot be told from a file of yours; nothing was exported", result.Text);

        File.Delete(train);
        Directory.CreateDirectory(train);
        result = Msd("export", "pytorch", TinyModelsAssembly.Source("TinyGray"), "-o", output);
        Assert.Equal(1, result.Exit);
        Assert.Contains($"error: {train} is a folder, where the export would write a file; nothing was exported (move it, or export elsewhere)", result.Text);
    }

    /// <summary>An exported file edited since the export wrote it is the user's now: exporting again stops, unless forced.</summary>
    [Fact]
    public void ExportingAgainStopsAtAnExportedFileEditedSince()
    {
        using var folder = new ScratchFolder();
        var output = ExportTinyGray(folder);
        var train = Path.Combine(output, "train.py");
        Assert.Matches(@"^# Generated by DiffusionDsl from .* \[content [0-9a-f]{12}\]\n", File.ReadAllText(train));
        // Line endings do not count as an edit (a checkout may turn them to CRLF).
        File.WriteAllText(train, File.ReadAllText(train).Replace("\n", "\r\n"));
        ExportTinyGray(folder);

        var edited = File.ReadAllText(train) + "\nprint('my addition')\n";
        File.WriteAllText(train, edited);
        var (exit, text) = Msd("export", "pytorch", TinyModelsAssembly.Source("TinyGray"), "-o", output);
        Assert.Equal(1, exit);
        Assert.Contains($"error: {train} was edited after msd export pytorch wrote it; nothing was exported", text);
        Assert.Equal(edited, File.ReadAllText(train));
        var errors = DiffusionDsl.Language.Backends.PyTorch.PyTorchExport.WriteFolder(TinyModelsAssembly.Source("TinyGray"), output);
        Assert.StartsWith($"{train} was edited after msd export pytorch wrote it", Assert.Single(errors));

        var (forced, forcedText) = Msd("export", "pytorch", TinyModelsAssembly.Source("TinyGray"), "-o", output, "--force");
        Assert.True(forced == 0, forcedText);
        Assert.DoesNotContain("my addition", File.ReadAllText(train));
    }

    [Fact]
    public void TheBuildsExportReportsAUsersFileInsteadOfReplacingIt()
    {
        using var folder = new ScratchFolder();
        var output = folder.File("py");
        Directory.CreateDirectory(output);
        var train = Path.Combine(output, "train.py");
        File.WriteAllText(train, "print('mine')\n");
        var errors = DiffusionDsl.Language.Backends.PyTorch.PyTorchExport.WriteFolder(TinyModelsAssembly.Source("TinyGray"), output);
        Assert.Equal(new[] { $"{train} was not written by msd export pytorch; move it, or export elsewhere (MsdPyTorchOutput)" }, errors);
        Assert.Equal(new[] { train }, Directory.GetFiles(output));
    }

    [Fact]
    public void AModelWithErrorsIsNotExported()
    {
        using var folder = new ScratchFolder();
        var path = folder.Write("broken.msd", Models.Broken);
        var (exit, text) = Msd("export", "pytorch", path, "-o", folder.File("py"));
        Assert.Equal(1, exit);
        Assert.Contains("error MSD0006", text);
        Assert.Contains("not exported: the model has errors", text);
        Assert.False(Directory.Exists(folder.File("py")));
    }

    [Fact]
    public void ACheckpointOfTrainPySamplesWithMsdSample()
    {
        Assert.True(_run.ExitCode == 0, _run.Output);
        using var folder = new ScratchFolder();
        var output = ExportTinyGray(folder);
        var run = folder.File("run-py");
        PythonWithTorch.Run(new[] { Path.Combine(output, "train.py"), "--data", _run.Data, "--out", run, "--steps", "20", "--device", "cpu" }, Minutes);
        var ema = Path.Combine(run, "checkpoints", "step-0000020", "ema.safetensors");

        var grid = folder.File("grid.png");
        var (exit, text) = Msd("sample", TinyModelsAssembly.Path, "--model", "TinyGray", "--checkpoint", ema, "--output", grid, "--count", "2", "--steps", "3");
        Assert.True(exit == 0, text);
        Assert.Contains($"checkpoint: {ema} (step 20, the file's weights)", text);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(grid)[..4]);
    }

    [Fact]
    public void ExportedWeightsOfACSharpCheckpointStartTrainPyAndSampleInPyTorch()
    {
        Assert.True(_run.ExitCode == 0, _run.Output);
        using var folder = new ScratchFolder();
        var output = ExportTinyGray(folder);
        var weights = folder.File("init.safetensors");
        // Writing over the checkpoint it reads is refused, the checkpoint untouched (it used to become the safetensors file).
        using (var copyFolder = new ScratchFolder())
        {
            var copy = copyFolder.File("c.ckpt");
            File.Copy(_run.Checkpoint(6), copy);
            var before = File.ReadAllBytes(copy);
            var (refused, message) = Msd("export", "weights", TinyModelsAssembly.Path, "--model", "TinyGray", "--checkpoint", copy, "-o", copy);
            Assert.Equal(1, refused);
            Assert.Contains($"error: --output {copy} is the --checkpoint file this command reads", message);
            Assert.Equal(before, File.ReadAllBytes(copy));
            // Nor the model's assembly, nor a name the readers of weights would not take for safetensors.
            (refused, message) = Msd("export", "weights", TinyModelsAssembly.Path, "--model", "TinyGray", "--checkpoint", copy, "-o", TinyModelsAssembly.Path);
            Assert.Equal(1, refused);
            Assert.Contains("is the MODEL file this command reads", message);
            var unnamed = copyFolder.File("weights.bin");
            (refused, message) = Msd("export", "weights", TinyModelsAssembly.Path, "--model", "TinyGray", "--checkpoint", copy, "-o", unnamed);
            Assert.Equal(1, refused);
            Assert.Contains($"--output {unnamed}: the file is written as safetensors; name it .safetensors.", message);
            Assert.False(File.Exists(unnamed));
        }
        var (exit, text) = Msd("export", "weights", TinyModelsAssembly.Path, "--model", "TinyGray", "--checkpoint", _run.Checkpoint(6), "-o", weights);
        Assert.True(exit == 0, text);
        Assert.Contains($"wrote {weights}: EMA weights of TinyGray at step 6", text);

        var run = folder.File("run-py");
        PythonWithTorch.Run(new[] { Path.Combine(output, "train.py"), "--data", _run.Data, "--out", run, "--steps", "1", "--init", weights,
                                    "--lr", "0", "--weight-decay", "0", "--device", "cpu" }, Minutes);
        var trained = Path.Combine(run, "checkpoints", "step-0000001", "model.safetensors");
        var same = PythonWithTorch.Run(new[] { "-c", "import sys, tiny_gray as m; a = m.read_safetensors(sys.argv[1])[0]; b = m.read_safetensors(sys.argv[2])[0]; " +
                                               "print(sorted(a) == sorted(b) and all(bool((a[k] == b[k]).all()) for k in a))", weights, trained },
                                       Minutes, workingDirectory: output);
        Assert.Equal("True", same.Trim());

        var samples = folder.File("samples.png");
        PythonWithTorch.Run(new[] { Path.Combine(output, "sample.py"), "--checkpoint", weights, "--out", samples, "--count", "4", "--steps", "3", "--device", "cpu" },
                            Minutes);
        // The grid is laid out as msd sample's, with its count recorded, so msd evaluate --images reads it back: 4 tiles of 8x8.
        var read = DiffusionDsl.Runtime.Reporting.SampleGridReader.Read(samples);
        Assert.Equal((4, 8, 2, 2, true), (read.Images.Count, read.TileSize, read.Columns, read.Rows, read.CountRecorded));
    }
}
