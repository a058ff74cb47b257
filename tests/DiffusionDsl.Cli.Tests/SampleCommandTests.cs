using System.Collections.Generic;
using System.IO;
using DiffusionDsl.Cli.Commands;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Cli.Tests;

public class SampleCommandTests : IClassFixture<TrainedTinyGray>
{
    private readonly TrainedTinyGray _run;

    public SampleCommandTests(TrainedTinyGray run) => _run = run;

    private (int Exit, string Text) Sample(params string[] extra)
    {
        var console = new RecordingConsole();
        var args = new[] { "sample", TinyModelsAssembly.Path, "--model", "TinyGray" };
        int exit = CliApp.Run([.. args, .. extra], console.Console, console.Writer);
        return (exit, console.Text);
    }

    [Fact]
    public void WritesAGridFromTheCheckpointsEmaWeights()
    {
        Assert.True(_run.ExitCode == 0, _run.Output);
        using var folder = new ScratchFolder();
        var grid = folder.File("grid.png");

        var (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--output", grid, "--count", "3", "--steps", "2", "--solver", "ddim", "--clip", "true");

        Assert.True(exit == 0, text);
        Assert.Contains($"checkpoint: {_run.Checkpoint(6)} (step 6, EMA weights)", text);
        Assert.Contains("sampled 3 images with Ddim, 2 steps, clipped to [-1, 1] ", text);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(grid)[..4]);
    }

    /// <summary>An output in a folder nothing can be written in (/proc refuses new files, root included) is refused before sampling.</summary>
    [Fact]
    public void AnUnwritableFolderIsRefusedBeforeSampling()
    {
        var (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--output", "/proc/msd-grid.png", "--count", "2");
        Assert.Equal(1, exit);
        Assert.Contains("error: --output /proc/msd-grid.png: nothing can be written in /proc", text);
        Assert.DoesNotContain("checkpoint:", text); // printed when sampling starts
    }

    /// <summary>An output that cannot be written as asked is refused before sampling, naming what to give instead.</summary>
    [Fact]
    public void AFolderOrAnotherFormatAsOutputIsRefusedBeforeSampling()
    {
        using var folder = new ScratchFolder();
        var (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--output", folder.Path, "--count", "2");
        Assert.Equal(1, exit);
        Assert.Contains($"error: --output {folder.Path} is a folder; give a file in it, such as {Path.Combine(folder.Path, "out.png")}.", text);
        Assert.DoesNotContain("checkpoint:", text);

        (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--output", folder.File("grid.jpg"), "--count", "2");
        Assert.Equal(1, exit);
        Assert.Contains("the file is written as PNG; name it .png.", text);
        Assert.False(File.Exists(folder.File("grid.jpg")));

        // A grid too large to allocate (the PNG encoder threw after sampling), a path under a file, and the checkpoint itself.
        (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--output", folder.File("big.png"), "--count", "2", "--scale", "100000");
        Assert.Equal(1, exit);
        Assert.Contains("error: --scale 100000 with 2 images: the grid would be", text);
        Assert.DoesNotContain("checkpoint:", text); // printed when sampling starts
        File.WriteAllText(folder.File("text.txt"), "");
        (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--output", Path.Combine(folder.File("text.txt"), "x.png"), "--count", "2");
        Assert.Equal(1, exit);
        Assert.Contains($"{folder.File("text.txt")} is a file, so nothing can be written under it.", text);
    }

    /// <summary>A train.py checkpoint folder given as the checkpoint says which file in it to give.</summary>
    [Fact]
    public void ATrainPyCheckpointFolderNamesTheFileToGive()
    {
        using var folder = new ScratchFolder();
        var checkpoint = folder.File("step-0000006");
        Directory.CreateDirectory(checkpoint);
        File.WriteAllText(Path.Combine(checkpoint, "ema.safetensors"), "");
        var (exit, text) = Sample("--checkpoint", checkpoint, "--output", folder.File("grid.png"), "--count", "2");
        Assert.Equal(1, exit);
        Assert.Contains($"a folder (a train.py checkpoint): give the file in it, {Path.Combine(checkpoint, "ema.safetensors")} (or model.safetensors).", text);
    }

    [Fact]
    public void TheSameSeedGivesTheSameGridAndNoEmaUsesTheTrainedWeights()
    {
        // Which weights each choice loads is checked exactly in the runtime's CheckpointWeightsTests;
        // a barely trained model's 8-bit grids can coincide, so this only checks what the CLI reports.
        Assert.True(_run.ExitCode == 0, _run.Output);
        using var folder = new ScratchFolder();
        (byte[] Png, string Text) Grid(string name, params string[] extra)
        {
            var path = folder.File(name);
            var (exit, text) = Sample([.. new[] { "--checkpoint", _run.Checkpoint(6), "--output", path, "--count", "2" }, .. extra]);
            Assert.True(exit == 0, text);
            return (File.ReadAllBytes(path), text);
        }

        Assert.Equal(Grid("a.png").Png, Grid("b.png").Png);
        Assert.Contains("(step 6, trained weights)", Grid("trained.png", "--no-ema").Text);
    }

    [Fact]
    public void SamplesFromASafetensorsExportOfTheCheckpointsEmaWeights()
    {
        Assert.True(_run.ExitCode == 0, _run.Output);
        using var folder = new ScratchFolder();
        var info = ModelArguments.Load(TinyModelsAssembly.Path, "TinyGray", new RecordingConsole().Console);
        var weights = folder.File("tiny-gray.safetensors");
        using (var model = info.Create())
        {
            CheckpointWeights.Load(_run.Checkpoint(6), model, info.SourceHash, ema: true);
            SafetensorsWeights.Export(model, weights, WeightLayout.Reference, metadata: new Dictionary<string, string>
            {
                [SafetensorsWeights.ModelHashKey] = info.SourceHash, [SafetensorsWeights.StepKey] = "6",
            });
        }

        var (exit, text) = Sample("--checkpoint", weights, "--output", folder.File("st.png"), "--count", "2", "--steps", "2");
        Assert.True(exit == 0, text);
        Assert.Contains($"checkpoint: {weights} (step 6,", text);
        var (ckptExit, ckptText) = Sample("--checkpoint", _run.Checkpoint(6), "--output", folder.File("ckpt.png"), "--count", "2", "--steps", "2");
        Assert.True(ckptExit == 0, ckptText);
        Assert.Equal(File.ReadAllBytes(folder.File("ckpt.png")), File.ReadAllBytes(folder.File("st.png")));

        // Safetensors under another name are read by their content (a checkpoint begins with its magic instead).
        var renamed = folder.File("tiny-gray.weights");
        File.Copy(weights, renamed);
        (exit, text) = Sample("--checkpoint", renamed, "--output", folder.File("renamed.png"), "--count", "2", "--steps", "2");
        Assert.True(exit == 0, text);
        Assert.Equal(File.ReadAllBytes(folder.File("st.png")), File.ReadAllBytes(folder.File("renamed.png")));
    }

    [Fact]
    public void ACheckpointOfAnotherModelIsRefused()
    {
        using var folder = new ScratchFolder();
        var console = new RecordingConsole();
        int exit = SampleCommand.Run(new SampleSettings
        {
            Source = TinyModelsAssembly.Path, Model = "TinyColor", Checkpoint = _run.Checkpoint(6), Output = folder.File("unused.png"),
        }, console.Console);

        Assert.Equal(1, exit);
        Assert.Contains($"error: Checkpoint '{_run.Checkpoint(6)}': written for another model", console.Text);
        Assert.False(File.Exists(folder.File("unused.png")));
    }

    [Fact]
    public void ACorruptCheckpointIsNamed()
    {
        using var folder = new ScratchFolder();
        var broken = folder.File("broken.ckpt");
        var bytes = File.ReadAllBytes(_run.Checkpoint(6));
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(broken, bytes);

        var (exit, text) = Sample("--checkpoint", broken, "--output", folder.File("x.png"));

        Assert.Equal(1, exit);
        Assert.Contains($"error: Checkpoint '{broken}': corrupt: the SHA-256", text);
    }

    [Fact]
    public void AnUnknownSolverListsTheKnownOnes()
    {
        var (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--solver", "rk4");
        Assert.NotEqual(0, exit);
        Assert.Contains("dpm_solver3", text);
    }

    /// <summary>
    /// --end-time moves where sampling stops (the .msd's sample end_time): 20 DPM-Solver-3 evaluations to t = 1e-4 put one
    /// more in the stage near the data than the default 1e-3 does, as the reference's own DPM-Solver does (12 / 5 / 3 against
    /// 11 / 5 / 4 on three stages, ReferenceDpmSolverTests).
    /// </summary>
    [Fact]
    public void AnEndTimeMovesWhereSamplingStops()
    {
        using var folder = new ScratchFolder();
        var (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--output", folder.File("a.png"), "--count", "2", "--steps", "20", "--solver", "dpm_solver3");
        Assert.True(exit == 0, text);
        Assert.True(text.Contains("sampled 2 images with DpmSolver3, 20 steps (evaluations per stage: 11 / 9)"), text);

        (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--output", folder.File("b.png"), "--count", "2", "--steps", "20", "--solver", "dpm_solver3", "--end-time", "1e-4");
        Assert.True(exit == 0, text);
        Assert.True(text.Contains("sampled 2 images with DpmSolver3, 20 steps to t = 0.0001 (evaluations per stage: 12 / 8)"), text);
    }

    /// <summary>
    /// --spacing time puts the DPM solvers' steps uniformly in t (latent diffusion's sampler) instead of in lambda: on this
    /// vp model more of the 20 evaluations land in the stage near the noise, and the summary says how they were placed.
    /// </summary>
    [Fact]
    public void ASpacingMovesTheDpmSolversSteps()
    {
        using var folder = new ScratchFolder();
        var (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--output", folder.File("l.png"), "--count", "2", "--steps", "20", "--solver", "dpm_solver_pp2m");
        Assert.True(exit == 0, text);
        Assert.True(text.Contains("sampled 2 images with DpmSolverPlusPlus2M, 20 steps (evaluations per stage: 12 / 8)"), text);
        (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--output", folder.File("t.png"), "--count", "2", "--steps", "20", "--solver", "dpm_solver_pp2m", "--spacing", "time");
        Assert.True(exit == 0, text);
        Assert.True(text.Contains("sampled 2 images with DpmSolverPlusPlus2M, 20 steps uniform in t (evaluations per stage: 9 / 11)"), text);
    }

    /// <summary>EDM's Heun makes 2 steps - 1 evaluations: the summary says so where they are not the steps.</summary>
    [Fact]
    public void HeunsSummaryCountsItsEvaluations()
    {
        using var folder = new ScratchFolder();
        var (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--output", folder.File("h.png"), "--count", "2", "--steps", "3", "--solver", "heun");
        Assert.True(exit == 0, text);
        Assert.Matches(@"sampled 2 images with EdmHeun, 3 steps \(5 network evaluations per image; evaluations per stage: \d+ / \d+\)", text);
    }

    /// <summary>
    /// --churn makes heun EDM's stochastic sampler: the summary says so, the images differ from the deterministic run's of
    /// the same seed, and a churn below 0 is refused before anything is sampled.
    /// </summary>
    [Fact]
    public void ChurnMakesHeunStochasticAndSaysSo()
    {
        using var folder = new ScratchFolder();
        var (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--output", folder.File("plain.png"), "--count", "2", "--steps", "4", "--solver", "heun");
        Assert.True(exit == 0, text);
        Assert.DoesNotContain("churn", text);
        (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--output", folder.File("churned.png"), "--count", "2", "--steps", "4", "--solver", "heun", "--churn", "40");
        Assert.True(exit == 0, text);
        Assert.Matches(@"sampled 2 images with EdmHeun, 4 steps, churn 40 \(7 network evaluations per image", text);
        Assert.NotEqual(File.ReadAllBytes(folder.File("plain.png")), File.ReadAllBytes(folder.File("churned.png")));

        (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--output", folder.File("refused.png"), "--solver", "heun", "--churn", "-1");
        Assert.Equal(1, exit);
        Assert.Contains("--churn must be at least 0", text);
        Assert.False(File.Exists(folder.File("refused.png")));
    }

    [Theory]
    [InlineData("0", "--end-time must be in (0, 0.1], not 0.")]
    [InlineData("1e-6", "The end time 1E-06 is below t = 1E-05, where training starts: no decoder learned those times.")]
    public void AnEndTimeOutsideWhereTheModelWasTrainedIsRefused(string endTime, string message)
    {
        using var folder = new ScratchFolder();
        var (exit, text) = Sample("--checkpoint", _run.Checkpoint(6), "--output", folder.File("a.png"), "--end-time", endTime);
        Assert.Equal(1, exit);
        Assert.Contains($"error: {message}", text);
        Assert.False(File.Exists(folder.File("a.png")));
    }
}
