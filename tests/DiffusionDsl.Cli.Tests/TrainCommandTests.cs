using System.IO;
using System.Linq;
using DiffusionDsl.Cli.Commands;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Cli.Tests;

public class TrainCommandTests : IClassFixture<TrainedTinyGray>
{
    private static readonly byte[] PngMagic = { 0x89, 0x50, 0x4E, 0x47 };
    private readonly TrainedTinyGray _run;

    public TrainCommandTests(TrainedTinyGray run) => _run = run;

    [Fact]
    public void TrainsWithTheMsdsTrainSectionAndWritesEveryOutput()
    {
        Assert.True(_run.ExitCode == 0, _run.Output);
        Assert.Contains("model: TinyGray from TinyGray.msd, 2 stages", _run.Output);
        Assert.Contains("data: 24 images 1x8x8", _run.Output);
        Assert.Contains("steps 6, batch 4", _run.Output);   // the .msd's train section
        Assert.Contains("trained to step 6", _run.Output);
        // checkpoint_every 3; metrics every step (log_every 1); a final sample grid and the loss curve.
        Assert.True(File.Exists(_run.Checkpoint(3)) && File.Exists(_run.Checkpoint(6)), _run.Output);
        Assert.Equal(1 + 6, File.ReadAllLines(Path.Combine(_run.RunFolder, "metrics.csv")).Count(l => l.Length > 0));
        Assert.Equal(PngMagic, File.ReadAllBytes(Path.Combine(_run.RunFolder, "loss.png"))[..4]);
        Assert.Equal(PngMagic, File.ReadAllBytes(Path.Combine(_run.RunFolder, "samples", "step-00000006.png"))[..4]);
    }

    [Fact]
    public void OptionsOverrideTheMsd()
    {
        using var folder = new ScratchFolder();
        var console = new RecordingConsole();

        int exit = TrainCommand.Run(new TrainSettings
        {
            Source = TinyModelsAssembly.Path, Model = "TinyGray", Data = _run.Data, Steps = 2, Batch = 2, LearningRate = 0.01,
            Output = folder.Path, Limit = 10, Precision = "bf16", LossReduction = "sum", Progress = false,
        }, console.Console);

        Assert.True(exit == 0, console.Text);
        Assert.Contains("data: 10 images", console.Text);
        Assert.Contains("device: cpu (bf16 autocast); steps 2, batch 2, stages drawn uniform, lr 0.01, loss summed over pixels, clip 1, EMA 0.9 (warm-up every step);", console.Text);
        Assert.Equal(new[] { "step-00000002.ckpt" }, Directory.GetFiles(Path.Combine(folder.Path, "checkpoints")).Select(Path.GetFileName));
    }

    /// <summary>A device named by the environment (set long ago, perhaps) is named as the variable when it cannot be used.</summary>
    [Fact]
    public void ABadDeviceFromTheEnvironmentNamesTheVariable()
    {
        using var folder = new ScratchFolder();
        var console = new RecordingConsole();
        var before = System.Environment.GetEnvironmentVariable("DIFFUSIONDSL_DEVICE");
        System.Environment.SetEnvironmentVariable("DIFFUSIONDSL_DEVICE", "gpu"); // the CLI tests run one at a time (SerialTests.cs)
        try
        {
            int exit = CliApp.Run(["train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", _run.Data, "--steps", "1", "--output", folder.Path,
                                   "--no-progress"], console.Console, console.Writer);
            Assert.Equal(1, exit);
            Assert.Contains("error: DIFFUSIONDSL_DEVICE=gpu: expected cpu, cuda or cuda:N.", console.Text);
        }
        finally
        {
            System.Environment.SetEnvironmentVariable("DIFFUSIONDSL_DEVICE", before);
        }
    }

    /// <summary>Weights, or a train.py checkpoint folder, cannot continue a run: said as such (not "not a DiffusionDsl checkpoint").</summary>
    [Fact]
    public void WeightsOrATrainPyCheckpointGivenToResumeAreRefusedAsSuch()
    {
        using var folder = new ScratchFolder();
        var trainPy = Directory.CreateDirectory(Path.Combine(folder.Path, "step-0000006")).FullName;
        File.WriteAllText(Path.Combine(trainPy, "state.json"), "{}");
        foreach (var resume in new[] { trainPy, Path.Combine(trainPy, "ema.safetensors") })
        {
            var console = new RecordingConsole();
            int exit = CliApp.Run(["train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", _run.Data, "--output", folder.File("run"),
                                   "--resume", resume], console.Console, console.Writer);
            Assert.Equal(1, exit);
            Assert.Contains($"error: --resume {resume}: msd train continues its own .ckpt checkpoints", console.Text);
            Assert.False(Directory.Exists(folder.File("run")));
        }
    }

    [Fact]
    public void TheContinueHintRepeatsTheOptionsThatShapeTheRun() =>
        Assert.Equal(" --output \"runs/a b\" --steps 10 --lr 0.001 --seed 7 --flip false",
                     new TrainSettings { Source = "m.dll", Data = "d", Output = "runs/a b", Steps = 10, LearningRate = 0.001, Seed = 7, Flip = false }.TrainingOptionsText());

    /// <summary>Under a culture whose '.' groups thousands, "--lr 0.001" is still a thousandth (de-DE would read 1).</summary>
    [Fact]
    public void NumberOptionsMeanTheSameInEveryCulture()
    {
        using var folder = new ScratchFolder();
        var console = new RecordingConsole();
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            string[] args = ["train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", _run.Data, "--steps", "1", "--batch", "2",
                             "--lr", "0.001", "--output", folder.Path, "--no-progress"];
            int exit = CliApp.Run(args, console.Console, console.Writer);
            Assert.True(exit == 0, console.Text);
            Assert.Contains(", lr 0.001,", console.Text);
            Assert.Equal("de-DE", System.Globalization.CultureInfo.CurrentCulture.Name); // the caller's culture is given back
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    /// <summary>`--flip` alone turns the flips on, `--flip false` off; the header line says which the run trains with.</summary>
    [Theory]
    [InlineData(new[] { "--flip" }, true)]
    [InlineData(new[] { "--flip", "true" }, true)]
    [InlineData(new[] { "--flip", "false" }, false)]
    [InlineData(new string[0], false)]
    public void FlipTurnsTheTrainersLeftRightFlipsOnOrOff(string[] flip, bool flips)
    {
        using var folder = new ScratchFolder();
        var console = new RecordingConsole();
        string[] args = ["train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", _run.Data, "--steps", "1", "--batch", "2",
                         "--output", folder.Path, "--no-progress", .. flip];
        int exit = CliApp.Run(args, console.Console, console.Writer);
        Assert.True(exit == 0, console.Text);
        Assert.Equal(flips, console.Text.Contains("(warm-up every step), left-right flips;"));
    }

    /// <summary>Ctrl+C during set-up (here before it starts) ends the command after the part it is in: no data loads, nothing is written.</summary>
    [Fact]
    public void AnInterruptDuringSetUpStopsBeforeTheDataLoads()
    {
        using var folder = new ScratchFolder();
        using var stop = new System.Threading.CancellationTokenSource();
        stop.Cancel();   // what Ctrl+C does
        var console = new RecordingConsole();

        int exit = TrainCommand.Run(new TrainSettings
        {
            Source = TinyModelsAssembly.Path, Model = "TinyGray", Data = _run.Data, Output = Path.Combine(folder.Path, "run"), Progress = false,
        }, console.Console, stop.Token);

        Assert.Equal(130, exit);
        Assert.Contains("stopped during set-up, before any step: nothing to save", console.Text);
        Assert.DoesNotContain("data:", console.Text);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "run")));
    }

    [Fact]
    public void AFolderWithAnEarlierRunIsRefusedUnlessResumed()
    {
        var console = new RecordingConsole();
        int exit = CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", _run.Data, "--output", _run.RunFolder }, console.Console);

        Assert.Equal(1, exit);
        Assert.Contains($"error: {_run.RunFolder} holds an earlier run (its checkpoint step-00000006.ckpt): continue it with --resume latest", console.Text);
        Assert.True(File.Exists(_run.Checkpoint(3)) && File.Exists(_run.Checkpoint(6)));

        // Resumed from elsewhere, or going back to its own step 3 while step 6 is there: refused too, nothing touched.
        using var elsewhere = new ScratchFolder();
        var copy = elsewhere.File("copy.ckpt");
        File.Copy(_run.Checkpoint(3), copy);
        foreach (var (resume, message) in new[]
                 {
                     (copy, $"error: {_run.RunFolder} holds an earlier run (its checkpoint step-00000006.ckpt): resume copy.ckpt with another --output"),
                     (_run.Checkpoint(3), "error: step-00000003.ckpt is not the newest checkpoint of its run (step-00000006.ckpt is)"),
                 })
        {
            console = new RecordingConsole();
            exit = CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", _run.Data, "--output", _run.RunFolder, "--resume", resume, "--steps", "9" }, console.Console);
            Assert.Equal(1, exit);
            Assert.Contains(message, console.Text);
            Assert.True(File.Exists(_run.Checkpoint(3)) && File.Exists(_run.Checkpoint(6)));
        }
    }

    [Theory]
    [InlineData("--steps", "0", "error: --steps must be at least 1, not 0.")]
    [InlineData("--limit", "-2", "error: --limit must be at least 1, not -2.")]
    [InlineData("--lr", "20", "error: --lr must be in (0, 10], not 20.")] // the .msd's lr range (TrainRanges), named as the option
    [InlineData("--seed", "-1", "error: --seed must be at least 0, not -1.")]
    [InlineData("--device", "tpu", "error: --device tpu: expected cpu, cuda or cuda:N.")]
    [InlineData("--precision", "fp16", "error: --precision: 'fp16' is not a precision: use auto, fp32 or bf16.")]
    [InlineData("--resume", "", "error: --resume is empty; give a checkpoint file, or latest.")]
    [InlineData("--loss-reduction", "median", "error: --loss-reduction must be mean or sum, not 'median'.")]
    public void BadOptionsAreRefusedBeforeAnyWork(string option, string value, string message)
    {
        using var folder = new ScratchFolder();
        var console = new RecordingConsole();
        int exit = CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", _run.Data, "--output", folder.File("run"), option, value }, console.Console);

        Assert.Equal(1, exit);
        Assert.Contains(message, console.Text);
        Assert.False(Directory.Exists(folder.File("run")));
    }

    /// <summary>An --output that is a file (before the build) and a --data that is not there (before the run folder and the data load) are named as the options.</summary>
    [Fact]
    public void AnOutputThatIsAFileAndMissingDataAreRefusedAsTheOptions()
    {
        using var folder = new ScratchFolder();
        var file = folder.Write("notes.txt", "mine");
        var console = new RecordingConsole();
        Assert.Equal(1, CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", _run.Data, "--output", file }, console.Console));
        Assert.Contains($"error: --output {file} is a file; give the run's folder.", console.Text);
        Assert.Equal("mine", File.ReadAllText(file));
        // A folder under a file is refused as the option too, not by the first write after the data load.
        console = new RecordingConsole();
        var under = Path.Combine(file, "run");
        Assert.Equal(1, CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", _run.Data, "--output", under }, console.Console));
        Assert.Contains($"error: --output {under}: {file} is a file, so nothing can be written under it.", console.Text);
        Assert.DoesNotContain("data:", console.Text);

        console = new RecordingConsole();
        var missing = folder.File("no-such-data");
        Assert.Equal(1, CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", missing, "--output", folder.File("run") }, console.Console));
        Assert.Contains($"error: --data {missing}: no such file or folder.", console.Text);
        Assert.False(Directory.Exists(folder.File("run")));
    }

    /// <summary>A misspelt device is refused before the model is built or even looked for.</summary>
    [Fact]
    public void AMisspeltDeviceIsRefusedBeforeTheModelIsBuilt()
    {
        using var folder = new ScratchFolder();
        var console = new RecordingConsole();
        int exit = CliApp.Run(new[] { "train", folder.File("Missing.csproj"), "--data", _run.Data, "--output", folder.File("run"), "--device", "gpu" }, console.Console);

        Assert.Equal(1, exit);
        Assert.Contains("error: --device gpu: expected cpu, cuda or cuda:N.", console.Text);
        Assert.DoesNotContain("Missing.csproj", console.Text);
    }

    [Fact]
    public void AnAssemblyWithSeveralModelsNeedsModel()
    {
        var console = new RecordingConsole();
        int exit = CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--data", _run.Data }, console.Console);
        Assert.Equal(1, exit);
        Assert.Contains("has 2 models (TinyColor, TinyGray): choose one with --model.", console.Text);
    }

    /// <summary>A --batch that the .msd's stage_groups cannot split is refused as --batch, before any data is read.</summary>
    [Fact]
    public void ABatchTheStageGroupsCannotSplitIsRefusedAsTheOption()
    {
        var console = new RecordingConsole();
        int exit = CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyColor", "--data", "/nonexistent/data", "--batch", "3" }, console.Console);
        Assert.Equal(1, exit);
        Assert.Contains("error: --batch 3 does not split into the 2 equal parts of TinyColor.msd's train stage_groups 2: give a multiple of 2.", console.Text);
    }

    [Fact]
    public void AnUnknownModelNamesTheOnesThereAre()
    {
        var console = new RecordingConsole();
        int exit = CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyGrey", "--data", _run.Data }, console.Console);
        Assert.Equal(1, exit);
        Assert.Contains("has no model 'TinyGrey'; it has TinyColor, TinyGray.", console.Text);
    }

    [Fact]
    public void ImagesOfAnotherSizeAreRefusedNamingTheFile()
    {
        using var folder = new ScratchFolder();
        var data = folder.File("six.idx");
        File.WriteAllBytes(data, IdxFile.Images(4, 6, 6, i => (byte)i));
        var console = new RecordingConsole();

        int exit = CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", data, "--output", folder.File("run") }, console.Console);

        Assert.Equal(1, exit);
        Assert.Contains($"error: {data}: its images are 1x6x6, but TinyGray takes 1x8x8 (the image line of TinyGray.msd).", console.Text);
        Assert.False(Directory.Exists(folder.File("run")));
    }

    /// <summary>An .msd file given where a built model goes is named for what it is, not as missing.</summary>
    [Fact]
    public void AnMsdFileGivenAsTheModelIsExplained()
    {
        using var folder = new ScratchFolder();
        var msd = folder.Write("Model.msd", "model M {}\n");
        var console = new RecordingConsole();

        int exit = CliApp.Run(new[] { "train", msd, "--data", _run.Data, "--output", folder.File("run") }, console.Console);

        Assert.Equal(1, exit);
        Assert.Contains($"error: {msd}: not a model to run; expected a built .dll, a .csproj or a project folder (the project that builds this .msd, or its .dll).", console.Text);
    }

    /// <summary>Resuming a run already at or past --steps is an error naming both, not a "success" with a NaN loss.</summary>
    [Fact]
    public void ResumingARunPastItsStepsIsAnError()
    {
        using var folder = new ScratchFolder();
        var run = folder.File("run");
        Directory.CreateDirectory(Path.Combine(run, "checkpoints"));
        File.Copy(_run.Checkpoint(6), Path.Combine(run, "checkpoints", "step-00000006.ckpt"));
        var console = new RecordingConsole();

        int exit = CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", _run.Data, "--output", run,
                                      "--resume", "latest", "--steps", "3" }, console.Console);

        Assert.Equal(1, exit);
        Assert.Contains("error: step-00000006.ckpt is already at step 6, and Steps is 3: ask for more than 6 steps to continue it.", console.Text);
        Assert.DoesNotContain("trained to step", console.Text);
    }

    /// <summary>A .safetensors tensor trains as it is (latents from an autoencoder), and one of the wrong shape is named.</summary>
    [Fact]
    public void TrainsOnATensorFileAndRefusesOneOfTheWrongShape()
    {
        using var folder = new ScratchFolder();
        var latents = folder.File("latents.safetensors");
        using (var scope = TorchSharp.torch.NewDisposeScope())
            DiffusionDsl.Runtime.Checkpoints.Safetensors.SafetensorsWriter.Write(latents, new[] { new System.Collections.Generic.KeyValuePair<string, TorchSharp.torch.Tensor>("latents", TorchSharp.torch.randn(32, 1, 8, 8) * 2) });
        var console = new RecordingConsole();
        int exit = CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", latents, "--output", folder.File("run"),
                                      "--steps", "2", "--no-progress" }, console.Console);
        Assert.True(exit == 0, console.Text);
        Assert.Contains($"data: 32 tensors 1x8x8 ('latents', used as they are) from {latents}", console.Text);
        Assert.Contains("trained to step 2", console.Text);

        var flat = folder.File("flat.safetensors");
        using (var scope = TorchSharp.torch.NewDisposeScope())
            DiffusionDsl.Runtime.Checkpoints.Safetensors.SafetensorsWriter.Write(flat, new[] { new System.Collections.Generic.KeyValuePair<string, TorchSharp.torch.Tensor>("latents", TorchSharp.torch.randn(32, 64)) });
        console = new RecordingConsole();
        exit = CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", flat, "--output", folder.File("run2"), "--steps", "2" }, console.Console);
        Assert.Equal(1, exit);
        Assert.Contains($"error: {flat}: tensor 'latents' has shape [32, 64]; training data is [N, C, H, W] with N > 0.", console.Text);
    }

    /// <summary>A run folder of another model (or of this one before its .msd changed) is refused before the data loads, with advice that works.</summary>
    [Fact]
    public void AnotherModelsRunFolderIsNamedAsSuch()
    {
        using var folder = new ScratchFolder();
        var run = folder.File("run");
        Directory.CreateDirectory(Path.Combine(run, "checkpoints"));
        File.Copy(_run.Checkpoint(6), Path.Combine(run, "checkpoints", "step-00000006.ckpt"));
        foreach (var resume in new[] { null, "latest" })
        {
            var console = new RecordingConsole();
            var args = new[] { "train", TinyModelsAssembly.Path, "--model", "TinyColor", "--data", _run.Data, "--output", run, "--steps", "9" };
            int exit = CliApp.Run(resume is null ? args : args.Concat(new[] { "--resume", resume }).ToArray(), console.Console);
            Assert.Equal(1, exit);
            Assert.Contains($"error: {run} holds a run of another model (its checkpoint step-00000006.ckpt was written for model hash", console.Text.Replace("\n", ""));
            Assert.Contains(resume is null ? "give another --output." : "give another --output, without --resume.", console.Text.Replace("\n", ""));
            Assert.DoesNotContain("data:", console.Text);
        }
    }

    /// <summary>A damaged newest checkpoint (cut short by a copy, say) under --resume latest is named as damaged: not an "earlier run", not a stack trace.</summary>
    [Fact]
    public void ResumingLatestFromATruncatedCheckpointNamesIt()
    {
        using var folder = new ScratchFolder();
        var run = folder.File("run");
        Directory.CreateDirectory(Path.Combine(run, "checkpoints"));
        var truncated = Path.Combine(run, "checkpoints", "step-00000006.ckpt");
        File.WriteAllBytes(truncated, File.ReadAllBytes(_run.Checkpoint(6))[..20]);
        var console = new RecordingConsole();

        int exit = CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", _run.Data, "--output", run,
                                      "--resume", "latest", "--steps", "9" }, console.Console);

        Assert.Equal(1, exit);
        Assert.Contains("error: ", console.Text);
        Assert.Contains("step-00000006.ckpt", console.Text);
        Assert.DoesNotContain("earlier run", console.Text);
        Assert.DoesNotContain("Unhandled exception", console.Text);
    }

    [Fact]
    public void ResumingLatestWhereThereIsNoCheckpointSaysItStartsAtZero()
    {
        using var folder = new ScratchFolder();
        var console = new RecordingConsole();

        int exit = CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", _run.Data, "--output", folder.File("run"),
                                      "--resume", "latest", "--steps", "1", "--no-progress" }, console.Console);

        Assert.True(exit == 0, console.Text);
        Assert.Contains($"no checkpoint in {folder.File("run")} yet: --resume latest starts at step 0.", console.Text);
        Assert.Contains("trained to step 1", console.Text);
        // A run shorter than log_every still logs its last step, so the files the output names are there.
        Assert.Equal(2, File.ReadAllLines(Path.Combine(folder.File("run"), "metrics.csv")).Length);
        Assert.True(File.Exists(Path.Combine(folder.File("run"), "loss.png")));
    }

    /// <summary>--seed fixes the initial weights as well as the batches: one command gives one run, another seed another.</summary>
    [Fact]
    public void OneSeedGivesOneRunFromTheInitialWeightsOn()
    {
        using var folder = new ScratchFolder();
        byte[] Weights(string name, string seed)
        {
            var console = new RecordingConsole();
            Assert.True(CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", _run.Data, "--output", folder.File(name),
                                           "--steps", "1", "--seed", seed, "--no-progress" }, console.Console) == 0, console.Text);
            var weights = folder.File(name + ".safetensors");
            Assert.True(CliApp.Run(new[] { "export", "weights", TinyModelsAssembly.Path, "--model", "TinyGray", "--checkpoint",
                                           Path.Combine(folder.File(name), "checkpoints", "step-00000001.ckpt"), "--no-ema", "-o", weights }, console.Console) == 0, console.Text);
            return File.ReadAllBytes(weights);
        }
        var first = Weights("a", "5");
        Assert.Equal(first, Weights("b", "5"));
        Assert.NotEqual(first, Weights("c", "6"));
    }

    [Fact]
    public void AMissingResumeCheckpointIsAnError()
    {
        using var folder = new ScratchFolder();
        var missing = folder.File("nope.ckpt");
        var console = new RecordingConsole();

        int exit = CliApp.Run(new[] { "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", _run.Data, "--output", folder.File("run"), "--resume", missing }, console.Console);

        Assert.Equal(1, exit);
        Assert.Contains($"error: Checkpoint '{missing}': file not found.", console.Text);
        Assert.False(Directory.Exists(folder.File("run")), "the failed run left a folder");
    }

    [Fact]
    public void AFileThatIsNotAnAssemblyIsNamed()
    {
        using var folder = new ScratchFolder();
        var fake = folder.Write("Models.dll", "not an assembly");
        var console = new RecordingConsole();

        int exit = CliApp.Run(new[] { "train", fake, "--data", _run.Data }, console.Console);

        Assert.Equal(1, exit);
        Assert.Contains($"error: {fake}: not a .NET assembly.", console.Text);
    }

    [Fact]
    public void AFolderWithoutAProjectIsNamed()
    {
        using var folder = new ScratchFolder();
        var console = new RecordingConsole();

        int exit = CliApp.Run(new[] { "train", folder.Path, "--data", _run.Data }, console.Console);

        Assert.Equal(1, exit);
        Assert.Contains($"error: {folder.Path}: no .csproj in this folder; point at a project or a built .dll.", console.Text);
    }
}
