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
