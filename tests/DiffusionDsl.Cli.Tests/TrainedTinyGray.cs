using System;
using System.IO;
using DiffusionDsl.Cli.Commands;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Cli.Tests;

/// <summary>One `msd train` run of TinyGray (6 steps on 24 random 8x8 images), shared by the tests that read its outputs.</summary>
public sealed class TrainedTinyGray : IDisposable
{
    private readonly ScratchFolder _folder = new();

    public string Data { get; }
    public string RunFolder => _folder.File("run");
    public string Output { get; }
    public int ExitCode { get; }

    public TrainedTinyGray()
    {
        Data = _folder.File("train-images-idx3-ubyte");
        File.WriteAllBytes(Data, IdxFile.Images(24, 8, 8, i => (byte)(i * 7919 % 251)));
        var console = new RecordingConsole();
        ExitCode = CliApp.Run(new[]
        {
            "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", Data, "--output", RunFolder, "--no-progress",
        }, console.Console);
        Output = console.Text;
    }

    public string Checkpoint(int step) => Path.Combine(RunFolder, "checkpoints", $"step-{step:D8}.ckpt");

    public void Dispose() => _folder.Dispose();
}
