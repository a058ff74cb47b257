using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiffusionDsl.Generator.Tests.Models;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Sampling.Solvers;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Tests.Shared;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DiffusionDsl.Generator.Tests.PyTorch;

/// <summary>
/// The exported train.py under torchrun (gloo, 2 processes on the CPU) against one process with the global batch and
/// against a resumed run, and weights going both ways between train.py and the C# trainer and sampler. The model is
/// CosineData (three stages, attention, no dropout) on 64 random 8x8 images; mixed stage sampling, so a step's
/// samples spread over the decoders and the ranks see different stages.
/// </summary>
public sealed class PyTorchTrainingTests : IDisposable
{
    private const double Tolerance = 1e-5;
    private readonly ITestOutputHelper _output;
    private readonly ScratchFolder _scratch = new();
    private string _folder => _scratch.Path;
    private readonly string _data;
    private readonly string _train;
    private readonly string _sample;

    public PyTorchTrainingTests(ITestOutputHelper output)
    {
        _output = output;
        PyTorchEquivalenceTests.Export("CosineData", _folder);
        _train = Path.Combine(_folder, "train.py");
        _sample = Path.Combine(_folder, "sample.py");
        _data = Path.Combine(_folder, "images.idx");
        var random = new Random(3);
        var bytes = new byte[16 + 64 * 8 * 8];
        bytes[2] = 8; bytes[3] = 3; bytes[7] = 64; bytes[11] = 8; bytes[15] = 8;
        for (int i = 16; i < bytes.Length; i++) bytes[i] = (byte)random.Next(256);
        File.WriteAllBytes(_data, bytes);
    }

    public void Dispose() => _scratch.Dispose();

    private string[] TrainArguments(string output, int steps, params string[] extra) =>
        new[] { "--data", _data, "--out", Path.Combine(_folder, output), "--steps", steps.ToString(), "--batch", "8", "--checkpoint-every", "2",
                "--log-every", "1", "--stage-sampling", "mixed", "--device", "cpu", "--timeout", "2" }.Concat(extra).ToArray();

    private string Checkpoint(string output, int step, string file) =>
        Path.Combine(_folder, output, "checkpoints", $"step-{step:D7}", file);

    private static readonly TimeSpan Minutes = TimeSpan.FromMinutes(4);

    [Fact]
    public void TwoRanksGiveOneProcesssWeightsAndAResumedRunGivesTheUninterruptedOnes()
    {
        _output.WriteLine(PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("one", 4)).ToArray(), Minutes));
        var two = PythonWithTorch.Torchrun(2, _train, TrainArguments("two", 4), Minutes);
        _output.WriteLine(two);
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"step 4: the 2 ranks' weights differ by at most 0\r?$", System.Text.RegularExpressions.RegexOptions.Multiline), two);

        PythonWithTorch.Torchrun(2, _train, TrainArguments("resumed", 2), Minutes);
        var resumed = PythonWithTorch.Torchrun(2, _train, TrainArguments("resumed", 4, "--resume", "latest"), Minutes);
        Assert.DoesNotContain("step 1/", resumed);
        Assert.Contains("step 3/4", resumed);

        foreach (var file in new[] { "model.safetensors", "ema.safetensors" })
        {
            AssertClose(Checkpoint("one", 4, file), Checkpoint("two", 4, file), "2 ranks vs 1 process");
            AssertClose(Checkpoint("two", 4, file), Checkpoint("resumed", 4, file), "resumed vs uninterrupted");
        }
        // The runs trained: step 4's weights are not step 2's.
        Assert.True(MaxRelativeDifference(Checkpoint("two", 2, "model.safetensors"), Checkpoint("two", 4, "model.safetensors")) > 10 * Tolerance);
    }

    /// <summary>sample.py holds --end-time as msd sample does (CosineData trains from t = 1e-3), before it loads anything.</summary>
    [Theory]
    [InlineData("0", "--end-time must be in (0, 0.1], not 0.0")]
    [InlineData("0.0001", "--end-time 0.0001 is below t = 0.001, where training starts")]
    public void SamplePyRefusesAnEndTimeOutsideWhereTheModelTrained(string endTime, string message)
    {
        var (code, output) = PythonWithTorch.Run(PythonWithTorch.Path, new[] { _sample, "--checkpoint", "none.safetensors", "--out", "x.png", "--end-time", endTime,
                                                                                "--device", "cpu" }, Minutes, workingDirectory: _folder);
        Assert.NotEqual(0, code);
        Assert.Contains(message, output);
    }

    /// <summary>sample.py refuses bad arguments with one line naming the option, before it samples anything.</summary>
    [Theory]
    [InlineData("--count 0", "--count must be at least 1, not 0")]
    [InlineData("--steps 0", "--steps must be at least 1, not 0")]
    [InlineData("--out samples.jpg", "--out samples.jpg: write a .png grid or a .safetensors file")]
    [InlineData("--out .", "--out . is a folder: give a file in it, such as ./samples.png")]
    [InlineData("--out missing/x.png", "--out missing/x.png: its folder does not exist")]
    [InlineData("--checkpoint .", "--checkpoint . is a folder")]
    [InlineData("--checkpoint images.idx", "--checkpoint images.idx: not a safetensors file")]
    [InlineData("--checkpoint c.ckpt", "a C# training checkpoint (.ckpt), not safetensors: msd export weights")]
    public void SamplePyRefusesBadArgumentsInOneLine(string arguments, string message)
    {
        File.WriteAllBytes(Path.Combine(_folder, "c.ckpt"), System.Text.Encoding.ASCII.GetBytes("DDCKPT02 and the rest"));
        var given = arguments.Split(' ');
        var all = new[] { _sample, "--checkpoint", "none.safetensors", "--out", "x.png", "--device", "cpu" }.Concat(given).ToArray();
        var (code, output) = PythonWithTorch.Run(PythonWithTorch.Path, all, Minutes, workingDirectory: _folder);
        Assert.Equal(2, code); // argparse's usage error
        Assert.Contains(message, output);
        Assert.DoesNotContain("Traceback", output);
    }

    [Fact]
    public void AccumulatingMicroBatchesGivesTheWholeBatchsWeights()
    {
        PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("whole", 2)).ToArray(), Minutes);
        PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("accumulated", 2, "--accumulate", "4")).ToArray(), Minutes);
        AssertClose(Checkpoint("whole", 2, "model.safetensors"), Checkpoint("accumulated", 2, "model.safetensors"), "4 micro-batches vs 1");
        // --flip flips the global batch before it is split, so micro-batches still give the whole batch's weights; and it flips.
        PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("flipped", 2, "--flip")).ToArray(), Minutes);
        PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("flipped-accumulated", 2, "--flip", "--accumulate", "4")).ToArray(), Minutes);
        AssertClose(Checkpoint("flipped", 2, "model.safetensors"), Checkpoint("flipped-accumulated", 2, "model.safetensors"), "4 micro-batches vs 1, flipped");
        Assert.True(MaxRelativeDifference(Checkpoint("whole", 2, "model.safetensors"), Checkpoint("flipped", 2, "model.safetensors")) > 10 * Tolerance,
                    "--flip trained the same weights as without it");

        // A fresh run in a folder whose run died before any checkpoint starts its metrics anew, not after the dead rows,
        // and keeps those rows beside it, as the C# trainer does.
        var dead = Path.Combine(_folder, "dead");
        Directory.CreateDirectory(dead);
        var deadRows = "step,loss,lr,images_per_second\n20,0.5,0.001,1.0\n40,0.4,0.001,1.0\n";
        File.WriteAllText(Path.Combine(dead, "metrics.csv"), deadRows);
        PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("dead", 2)).ToArray(), Minutes);
        Assert.Equal(new[] { "step", "1", "2" }, File.ReadAllLines(Path.Combine(dead, "metrics.csv")).Select(l => l.Split(',')[0]));
        Assert.Equal(deadRows, File.ReadAllText(Assert.Single(Directory.GetFiles(dead, "metrics.earlier-*.csv"))));

        // Resuming a run already at --steps is an error naming both (it used to exit 0 having done nothing), as in C#.
        var (code, output) = PythonWithTorch.Run(PythonWithTorch.Path, new[] { _train }.Concat(TrainArguments("whole", 2, "--resume", "latest")).ToArray(), Minutes);
        Assert.NotEqual(0, code);
        Assert.Contains("step-0000002 is already at step 2, and --steps is 2: ask for more than 2 steps to continue it", output);
        // Resuming under another stage-sampling policy is refused, as in C#: the run's decoders trained on its own draws.
        (code, output) = PythonWithTorch.Run(PythonWithTorch.Path, new[] { _train }.Concat(TrainArguments("whole", 4, "--resume", "latest", "--stage-sampling", "uniform")).ToArray(), Minutes);
        Assert.NotEqual(0, code);
        Assert.Contains("step-0000002: its run was trained with --stage-sampling mixed, and this run asks for --stage-sampling uniform", output);
        (code, output) = PythonWithTorch.Run(PythonWithTorch.Path, new[] { _train }.Concat(TrainArguments("zero", 1, "--batch", "0")).ToArray(), Minutes);
        Assert.NotEqual(0, code);
        Assert.Contains("--batch must be at least 1, not 0", output);
    }

    /// <summary>
    /// --loss-reduction sum backpropagates each image's error summed over its 64 pixels: a run of the mean resumed under
    /// the sum has its Adam moments rescaled, so after the first resumed step (same weights, same draws) they are 64 and
    /// 64^2 times those of the same run resumed under the mean, as the C# trainer's are (LossReductionTests).
    /// </summary>
    [Fact]
    public void ResumingUnderTheSumRescalesAdamsMomentsAsInCSharp()
    {
        // Without clipping (CosineData clips at 1), which would hide the gradient's scale; EDM does not clip.
        PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("reduced", 2, "--loss-reduction", "mean", "--grad-clip", "0")).ToArray(), Minutes);
        foreach (var reduction in new[] { "mean", "sum" })
        {
            var copy = Path.Combine(_folder, $"resumed-{reduction}");
            foreach (var file in Directory.GetFiles(Path.Combine(_folder, "reduced"), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(copy, Path.GetRelativePath(Path.Combine(_folder, "reduced"), file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments($"resumed-{reduction}", 3, "--resume", "latest", "--loss-reduction", reduction, "--grad-clip", "0")).ToArray(), Minutes);
        }
        const string compare = """
            import json, sys, torch
            mean, total = (torch.load(f"{sys.argv[1]}/{r}/checkpoints/step-0000003/optimizer.pt")["state"] for r in ("resumed-mean", "resumed-sum"))
            # atol: a moment entry where the old average and the new gradient nearly cancel keeps only rounding
            ok = all(torch.allclose(mean[k][name] * factor, total[k][name], rtol=1e-4, atol=1e-5 * total[k][name].abs().max().item())
                     for k in mean for name, factor in (("exp_avg", 64.0), ("exp_avg_sq", 4096.0)))
            worst = {name: max(((mean[k][name] * factor - total[k][name]).abs().max() / total[k][name].abs().max().clamp_min(1e-30)).item() for k in mean) for name, factor in (("exp_avg", 64.0), ("exp_avg_sq", 4096.0))}
            scales = [json.load(open(f"{sys.argv[1]}/{r}/checkpoints/step-0000003/state.json"))["gradient_scale"] for r in ("resumed-mean", "resumed-sum")]
            print(ok, len(mean), scales, worst)
            """;
        var printed = PythonWithTorch.Run(new[] { "-c", compare, _folder }, Minutes).Trim();
        Assert.Matches(@"^True [1-9][0-9]* \[1\.0, 64\.0\]", printed);
    }

    /// <summary>
    /// train.py's EMA options follow the .msd's rule: an edm model averages with EDM's half-life unless a fixed decay is
    /// given, which then has score_sde's warm-up at every update (as `ema x` written in the .msd); both kinds at once are
    /// refused.
    /// </summary>
    [Fact]
    public void TrainPysEmaOptionsFollowTheMsdsRule()
    {
        var edm = Path.Combine(_folder, "edm");
        PyTorchEquivalenceTests.Export("EdmFullForm", edm);
        string Parsed(params string[] options) => PythonWithTorch.Run(new[] { "-c",
            "import sys, train; a = train.parse_args(['--data', 'x'] + sys.argv[1:]); print(a.ema, a.ema_warmup, a.ema_halflife_kimg)" }
            .Concat(options).ToArray(), Minutes, workingDirectory: edm).Trim();

        Assert.Equal("0.9999 2147483647 500.0", Parsed());                       // EDM's half-life (the warm-up is unused)
        Assert.Equal("0.999 2147483647 None", Parsed("--ema", "0.999"));         // a fixed decay, warmed up every update
        Assert.Equal("0.9999 2147483647 None", Parsed("--ema-halflife-kimg", "0"));
        Assert.Equal("0.9999 100 None", Parsed("--ema-warmup", "100"));
        Assert.Equal("0.9999 2147483647 None", PythonWithTorch.Run(new[] { "-c",
            "import train; a = train.parse_args(['--data', 'x']); print(a.ema, a.ema_warmup, a.ema_halflife_kimg)" }, Minutes, workingDirectory: _folder).Trim()); // CosineData: a fixed decay
        var (code, output) = PythonWithTorch.Run(PythonWithTorch.Path, new[] { Path.Combine(edm, "train.py"), "--data", _data, "--ema", "0.99", "--ema-halflife-kimg", "100" }, Minutes);
        Assert.NotEqual(0, code);
        Assert.Contains("--ema and --ema-warmup set a fixed EMA decay and --ema-halflife-kimg EDM's half-life: give one", output);
    }

    /// <summary>Any seed msd train takes (a long) trains: the per-step seeds wrap at 2^64 as the C# trainer's do.</summary>
    [Fact]
    public void TheLargestSeedTrains()
    {
        var output = PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("large-seed", 2, "--seed", long.MaxValue.ToString(), "--flip")).ToArray(), Minutes);
        Assert.Contains("step 2/2", output);
        Assert.True(File.Exists(Checkpoint("large-seed", 2, "model.safetensors")));
    }

    /// <summary>--warmup-kimg is EDM's ramp over images, as WarmupKimg in C#: 32 images at batch 8 ramp over 4 steps, from 0.</summary>
    [Fact]
    public void WarmupKimgRampsTheRateOverTheImagesSeen()
    {
        PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("ramp", 3, "--lr", "0.001", "--warmup-kimg", "0.032")).ToArray(), Minutes);
        var rates = File.ReadAllLines(Path.Combine(_folder, "ramp", "metrics.csv")).Skip(1).Select(l => l.Split(',')[2]);
        Assert.Equal(new[] { "0", "0.00025", "0.0005" }, rates);
        // One warm-up, as the .msd allows: steps or images, not both.
        var (code, output) = PythonWithTorch.Run(PythonWithTorch.Path, new[] { _train }.Concat(TrainArguments("both", 1, "--warmup", "10", "--warmup-kimg", "0.032")).ToArray(), Minutes);
        Assert.NotEqual(0, code);
        Assert.Contains("--warmup counts steps and --warmup-kimg thousands of images: give one", output);
    }

    /// <summary>
    /// --stage-groups draws the global batch as equal groups, each inside one stage (the reference's one stage per GPU), as
    /// TrainingTimeSampler does with StageGroups: from the same seed the same stages, sample by sample; with one group the
    /// draws of a whole-batch stage.
    /// </summary>
    [Theory]
    [InlineData("uniform", 4)]
    [InlineData("proportional", 4)]
    [InlineData("uniform", 1)]
    public void StageGroupsDrawEachGroupsStageAsTheCSharpSamplerDoes(string policy, int groups)
    {
        const int n = 16, batches = 50, seed = 7;
        var lines = PythonWithTorch.Run(new[] { Path.Combine(AppContext.BaseDirectory, "PyTorch", "stage_draws.py"), _folder, policy,
                                                groups.ToString(), n.ToString(), seed.ToString(), batches.ToString() }, Minutes)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(batches, lines.Length);

        using var model = new CosineData();
        var sampler = new TrainingTimeSampler(model.Schedule, model.Stages, policy == "uniform" ? StageSampling.UniformStage : StageSampling.ScheduleProportional, groups);
        var generator = new TorchSharp.torch.Generator(seed);
        bool mixedBatch = false;
        foreach (var line in lines)
        {
            var python = line.Split(' ').Select(long.Parse).ToArray();
            var csharp = model.Stages.StageOf(sampler.Sample(n, generator)).data<long>().ToArray();
            Assert.Equal(csharp, python);
            for (int g = 0; g < groups; g++)
                Assert.Single(python.Skip(g * n / groups).Take(n / groups).Distinct());
            mixedBatch |= python.Distinct().Count() > 1;
        }
        Assert.Equal(groups > 1, mixedBatch);
        var (code, output) = PythonWithTorch.Run(PythonWithTorch.Path, new[] { _train }.Concat(TrainArguments("groups", 1, "--stage-groups", "3")).ToArray(), Minutes);
        Assert.NotEqual(0, code);
        Assert.Contains("--stage-groups 3: it must be at least 1 and divide --batch 8", output);
    }

    /// <summary>
    /// train.py's --flip mirrors the images the C# trainer's flips mirror (TrainOptions.HorizontalFlip, the .msd's train
    /// flip): the same coins per seed and step, about half of them heads.
    /// </summary>
    [Fact]
    public void TrainPyFlipsTheImagesTheCSharpTrainerFlips()
    {
        const int n = 16, steps = 20, seed = 7;
        var lines = PythonWithTorch.Run(new[] { Path.Combine(AppContext.BaseDirectory, "PyTorch", "flip_draws.py"), _folder, seed.ToString(),
                                                n.ToString(), steps.ToString() }, Minutes)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(steps, lines.Length);
        using var images = tensor(new float[] { 0, 1 }).reshape(1, 1, 1, 2).repeat(n, 1, 1, 1);
        long flipped = 0;
        for (int step = 0; step < steps; step++)
        {
            using var flips = DiffusionDsl.Runtime.Data.RandomHorizontalFlip.ForStep(seed, step);
            using var result = DiffusionDsl.Runtime.Data.RandomHorizontalFlip.Apply(images, flips);
            var csharp = result.select(3, 0).flatten().data<float>().Select(v => (long)v).ToArray();
            Assert.Equal(csharp, lines[step].Split(' ').Select(long.Parse).ToArray());
            flipped += csharp.Sum();
        }
        Assert.InRange(flipped, n * steps * 4 / 10, n * steps * 6 / 10);
    }

    /// <summary>A folder holding an IDX train-images file (as Debian's dataset-fashion-mnist installs it) reads as msd train reads it.</summary>
    [Fact]
    public void AnIdxFolderIsReadAsTheCSharpLoaderReadsIt()
    {
        var folder = Path.Combine(_folder, "idx-folder");
        Directory.CreateDirectory(folder);
        File.Copy(_data, Path.Combine(folder, "train-images-idx3-ubyte"));
        var log = PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("from-folder", 1)).Select(a => a == _data ? folder : a).ToArray(), Minutes);
        Assert.Contains("64 images", log);
        Assert.Contains("step 1/1", log);
    }

    /// <summary>
    /// Ctrl+C (SIGINT) or a scheduler's SIGTERM stops one process after its current step with a checkpoint to resume, as the
    /// C# trainer does; the line it ends with is the command that continues the run (its own options, --resume latest).
    /// </summary>
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void AnInterruptStopsAfterTheStepWithACheckpoint(string signal)
    {
        var start = new System.Diagnostics.ProcessStartInfo(PythonWithTorch.Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { _train }.Concat(TrainArguments("interrupted", 500, "--checkpoint-every", "0"))) start.ArgumentList.Add(argument);
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = System.Diagnostics.Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var seen = new System.Text.StringBuilder();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            seen.AppendLine(line);
            if (!line.StartsWith("step 2/500", StringComparison.Ordinal)) continue;
            // bash's kill builtin: no procps needed on a bare machine.
            using var kill = System.Diagnostics.Process.Start("bash", new[] { "-c", $"kill -{signal} {process.Id}" })!;
            kill.WaitForExit();
        }
        Assert.True(process.WaitForExit(120_000), "train.py did not stop");
        var output = seen + errors.Result;
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}:\n{output}");
        var stopped = System.Text.RegularExpressions.Regex.Match(output, @"stopped at step (\d+); continue with: python3 train\.py (.*)\n");
        Assert.True(stopped.Success, output);
        Assert.Contains("--steps 500 ", stopped.Groups[2].Value);
        Assert.EndsWith("--checkpoint-every 0 --resume latest", stopped.Groups[2].Value.TrimEnd());
        Assert.True(File.Exists(Checkpoint("interrupted", int.Parse(stopped.Groups[1].Value), "ema.safetensors")), output);
    }

    /// <summary>
    /// As msd train does (RunFolder.Conflict), train.py refuses to resume into a folder a checkpoint that is not its newest
    /// (it would overwrite and prune the later ones) or another run's; a resumed run given other options says so.
    /// </summary>
    [Fact]
    public void ResumingAnotherRunsOrAnEarlierCheckpointIsRefusedAndChangedOptionsAreNoted()
    {
        PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("first", 4)).ToArray(), Minutes);
        PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("second", 2, "--seed", "5")).ToArray(), Minutes);
        var newest = File.ReadAllBytes(Checkpoint("first", 4, "model.safetensors"));

        var (code, output) = PythonWithTorch.Run(PythonWithTorch.Path, new[] { _train }.Concat(TrainArguments("first", 6, "--resume",
            Path.Combine(_folder, "second", "checkpoints", "step-0000002"))).ToArray(), Minutes);
        Assert.NotEqual(0, code);
        Assert.Contains("holds an earlier run (its checkpoint step-0000004): resume step-0000002 with another --out", output);

        (code, output) = PythonWithTorch.Run(PythonWithTorch.Path, new[] { _train }.Concat(TrainArguments("first", 6, "--resume",
            Path.Combine(_folder, "first", "checkpoints", "step-0000002"))).ToArray(), Minutes);
        Assert.NotEqual(0, code);
        Assert.Contains("step-0000002 is not the newest checkpoint of its run (step-0000004 is)", output);
        Assert.Equal(newest, File.ReadAllBytes(Checkpoint("first", 4, "model.safetensors")));

        // A copy of a checkpoint beside them is no checkpoint of the run (its name is not step-N).
        Directory.CreateDirectory(Path.Combine(_folder, "first", "checkpoints", "step-0000002-copy"));
        output = PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("first", 6, "--resume", "latest", "--seed", "3")).ToArray(), Minutes);
        Assert.Contains("note: step-0000004: it was trained with --seed 0; this run goes on with --seed 3", output);
        Assert.Contains("step 6/6", output);
    }

    [Fact]
    public void Bf16AutocastTrainsWithFloat32WeightsAndEma()
    {
        // CUDA's path (on by default there), run on the CPU's bf16 autocast: the weights and their EMA stay float32.
        var log = PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("bf16", 2, "--bf16", "on")).ToArray(), Minutes);
        Assert.Contains("bf16 on", log);
        Assert.Matches(@"step 2/2  loss 0\.\d+", log);
        foreach (var file in new[] { "model.safetensors", "ema.safetensors" })
        {
            using var weights = SafetensorsFile.Open(Checkpoint("bf16", 2, file));
            Assert.All(weights.Tensors, t => Assert.Equal(ScalarType.Float32, t.DType));
        }
    }

    [Fact]
    public void PyTorchWeightsSampleInCSharpAsTheySampleInPyTorch()
    {
        PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("py", 20)).ToArray(), Minutes);
        using var model = new CosineData();
        long step = CheckpointWeights.Load(Checkpoint("py", 20, "ema.safetensors"), model, CosineData.SourceHash);
        Assert.Equal(20, step);
        AssertSamplesAgree(model, Checkpoint("py", 20, "ema.safetensors"));
    }

    /// <summary>
    /// Every solver on weights drawn at random (std 0.3): the network's predictions are then of order one and differ from
    /// sample to sample, so the samples are far from zero and each solver coefficient shows in them. (A briefly trained
    /// model of random images predicts almost exactly the noise, and samples values near zero whatever the solver.)
    /// </summary>
    [Fact]
    public void RandomWeightsSampleInPyTorchAsInCSharpWithEverySolver()
    {
        using var scope = NewDisposeScope();
        using var model = new CosineData();
        var generator = new TorchSharp.torch.Generator(7);
        using (no_grad())
            foreach (var parameter in model.parameters()) parameter.copy_(randn(parameter.shape, generator: generator) * 0.3);
        var weights = Path.Combine(_folder, "random.safetensors");
        SafetensorsWeights.Export(model, weights, metadata: new Dictionary<string, string> { [SafetensorsWeights.ModelHashKey] = CosineData.SourceHash });
        AssertSamplesAgree(model, weights, everySolver: true, smallestSample: 0.2);
    }

    [Fact]
    public void CSharpWeightsStartTrainPyAndSampleInPyTorchAsInCSharp()
    {
        using var scope = NewDisposeScope();
        using var model = new CosineData();
        var options = new TrainOptions { BatchSize = 8, Steps = 20, LearningRate = 1e-3, EmaDecay = 0.9, CheckpointEvery = 0, Seed = 5,
                                         OutputDirectory = Path.Combine(_folder, "cs"), ModelHash = CosineData.SourceHash };
        using (var trainer = new MultistageTrainer(model, model.Schedule, CosineData.Prediction, options))
            trainer.Train(new TensorBatchSource(rand(64, 1, 8, 8) * 2 - 1));
        var checkpoint = Directory.GetFiles(Path.Combine(_folder, "cs", "checkpoints")).Single();
        var weights = Path.Combine(_folder, "cs.safetensors");
        Assert.Equal(20, model.LoadCheckpoint(checkpoint)); // the generated model's own loader: EMA weights by default
        SafetensorsWeights.Export(model, weights, metadata: new Dictionary<string, string> { [SafetensorsWeights.ModelHashKey] = CosineData.SourceHash });

        // --init starts from them: one step at learning rate 0 leaves them as they are.
        PythonWithTorch.Run(new[] { _train }.Concat(TrainArguments("init", 1, "--init", weights, "--lr", "0", "--weight-decay", "0")).ToArray(), Minutes);
        Assert.Equal(0.0, MaxRelativeDifference(weights, Checkpoint("init", 1, "model.safetensors")));
        AssertSamplesAgree(model, weights);
    }

    /// <summary>
    /// Every solver of the .msd from the same noise: the C# solver on the model, sample.py on the weights file. DDPM and
    /// DDIM at eta 0.5 draw their step noise from the same seed on both sides (the CPU generator's stream is the same in
    /// TorchSharp's libtorch and in PyTorch); DDIM is also run with its estimates clipped. The random-weights test runs
    /// them all, the trained-weights tests Euler and Heun.
    /// </summary>
    private void AssertSamplesAgree(CosineData model, string weights, bool everySolver = false, double smallestSample = 0)
    {
        using var scope = NewDisposeScope();
        model.eval();
        var noise = randn(4, 1, 8, 8);
        var noisePath = Path.Combine(_folder, "noise.safetensors");
        SafetensorsWriter.Write(noisePath, new[] { new KeyValuePair<string, Tensor>("noise", noise) });
        var cases = new (string Name, int Steps, double Eta, bool Clip, double Churn, string Spacing)[]
        {
            ("euler", 6, 0, false, 0, "logsnr"), ("heun", 4, 0, false, 0, "logsnr"), ("ddim", 6, 0, false, 0, "logsnr"), ("ddim", 5, 0.5, true, 0, "logsnr"),
            ("ddpm", 6, 0, false, 0, "logsnr"),
            // Step budgets that reach each solver's last-step branch: DPM-Solver-2 at 5 is orders 2, 2, 1; DPM-Solver-3 at 6 is
            // 3, 2, 1; DPM-Solver++(2M) ends first order below 10 steps and second order from 10.
            ("dpm_solver2", 5, 0, false, 0, "logsnr"), ("dpm_solver3", 6, 0, false, 0, "logsnr"), ("dpm_solver_pp2m", 6, 0, false, 0, "logsnr"),
            ("dpm_solver_pp2m", 10, 0, false, 0, "logsnr"),
            // EDM's stochastic Heun, churning at every point (sigma raised past the schedule's largest at the first).
            ("heun", 4, 0, false, 3, "logsnr"),
            // The DPM solvers' steps uniform in t (`spacing time`, latent diffusion's sampler), inner points where they fall.
            ("dpm_solver2", 5, 0, false, 0, "time"), ("dpm_solver3", 6, 0, false, 0, "time"), ("dpm_solver_pp2m", 10, 0, false, 0, "time"),
        };
        const long seed = 11;
        foreach (var (name, steps, eta, clip, churn, spacing) in everySolver ? cases : cases.Take(2))
        {
            var solver = SolverFactory.Create(SolverNames.KindOf(name), model.Schedule, eta, new HeunChurn(churn));
            solver.Spacing = TimeSpacingNames.KindOf(spacing);
            if (clip) solver.ClipData = 1.0;
            // The .msd's end_time, which sample.py takes as its default --end-time.
            solver.EndTime = CosineDataSampler.Defaults.EndTime ?? throw new InvalidOperationException("CosineData.msd sets end_time");
            solver.SetTimesteps(steps);
            Tensor ours;
            // In the solver's own precision, as MultistageSampler starts it (heun's churn draws its step noise in it).
            using (no_grad()) ours = solver.Run(noise.to(solver.StateType) * solver.Grid[0].NoiseStd, new Denoiser(model, model.Schedule, CosineData.Prediction), new ImageNoise(seed, 0, 4)).to(ScalarType.Float32);

            var what = $"{name} ({steps} steps, eta {eta}, clip {(clip ? "on" : "off")}, churn {churn}, spacing {spacing})";
            var samplesPath = Path.Combine(_folder, $"samples-{name}-{churn}-{spacing}.safetensors");
            PythonWithTorch.Run(new[] { _sample, "--checkpoint", weights, "--noise", noisePath, "--solver", name, "--steps", steps.ToString(),
                                        "--eta", eta.ToString(System.Globalization.CultureInfo.InvariantCulture), "--clip", clip ? "on" : "off",
                                        "--churn", churn.ToString(System.Globalization.CultureInfo.InvariantCulture), "--spacing", spacing,
                                        "--seed", seed.ToString(), "--out", samplesPath, "--device", "cpu" }, Minutes);
            using var file = SafetensorsFile.Open(samplesPath);
            var theirs = file.Read("samples");
            double largest = theirs.abs().max().item<float>();
            double difference = (ours - theirs).abs().max().item<float>() / largest;
            _output.WriteLine($"{what} samples: relative difference {difference:E2} (largest |sample| {largest:G3}, mean {theirs.mean().item<float>():G3}, std {theirs.std().item<float>():G3})");
            Assert.True(difference <= 1e-4, $"C# and PyTorch {what} samples differ by {difference:E2} (relative) > 1e-4");
            Assert.True(largest >= smallestSample, $"{what}: the largest |sample| is {largest:G3}, below {smallestSample}: the comparison shows little");
        }
        if (everySolver) AssertSeedAloneGivesTheCSharpSamplersImages(model, weights, seed);
    }

    /// <summary>
    /// From a seed alone, sample.py's DDPM images are the C# sampler's, taken 2 at a time there: each image's initial and
    /// step noise come from its own stream (ImageNoise), so neither the batch size nor the count changes an image.
    /// </summary>
    private void AssertSeedAloneGivesTheCSharpSamplersImages(CosineData model, string weights, long seed)
    {
        var options = new SampleOptions { Solver = SolverKind.DdpmAncestral, Steps = 6, Seed = seed, BatchSize = 2,
                                          EndTime = CosineDataSampler.Defaults.EndTime };
        using var ours = new MultistageSampler(model, model.Schedule, CosineData.Prediction, options).Sample(3, 1, 8, 8);
        var samplesPath = Path.Combine(_folder, "samples-seed.safetensors");
        PythonWithTorch.Run(new[] { _sample, "--checkpoint", weights, "--solver", "ddpm", "--steps", "6", "--count", "3", "--seed", seed.ToString(),
                                    "--out", samplesPath, "--device", "cpu" }, Minutes);
        using var file = SafetensorsFile.Open(samplesPath);
        using var theirs = file.Read("samples");
        double difference = (ours - theirs).abs().max().item<float>() / theirs.abs().max().item<float>();
        _output.WriteLine($"ddpm from seed {seed} alone, 3 images (C# 2 at a time): relative difference {difference:E2}");
        Assert.True(difference <= 1e-4, $"C# and PyTorch ddpm samples from a seed differ by {difference:E2} (relative)");
    }

    private void AssertClose(string expected, string actual, string what)
    {
        double difference = MaxRelativeDifference(expected, actual);
        _output.WriteLine($"{what}, {Path.GetFileName(actual)}: largest relative difference {difference:E2}");
        Assert.True(difference <= Tolerance, $"{what}: {Path.GetFileName(actual)} differs by {difference:E2} (relative) > {Tolerance:E0}");
    }

    /// <summary>
    /// max |a - b| over every weight, relative to the largest weight |a|. Not per tensor: the init_zero convolutions
    /// start at 1e-5 of their bound and Adam moves them by the learning rate whatever the gradient's size, so in a tensor
    /// of them the last bits of a gradient summed in another order (two ranks' halves averaged, against one sum) show at
    /// about 1e-5 of that tensor's own scale (measured: 1.4e-8 absolute in a tensor whose largest weight is 6.8e-4).
    /// </summary>
    private static double MaxRelativeDifference(string a, string b)
    {
        using var scope = NewDisposeScope();
        using var left = SafetensorsFile.Open(a);
        using var right = SafetensorsFile.Open(b);
        Assert.Equal(left.Tensors.Select(t => t.Name).OrderBy(n => n), right.Tensors.Select(t => t.Name).OrderBy(n => n));
        double worst = 0, scale = 0;
        foreach (var entry in left.Tensors)
        {
            var x = left.Read(entry.Name).to(ScalarType.Float64);
            var y = right.Read(entry.Name).to(ScalarType.Float64);
            scale = Math.Max(scale, x.abs().max().item<double>());
            worst = Math.Max(worst, (x - y).abs().max().item<double>());
        }
        return scale > 0 ? worst / scale : worst;
    }

    [Fact]
    public void WithAugmentationTwoRanksStillGiveOneProcesssWeights()
    {
        // DdpmVelocity takes EDM's 9 labels; 3x8x8 colour images in a 4-dimensional IDX file.
        var folder = Path.Combine(_folder, "augmented");
        Directory.CreateDirectory(folder);
        PyTorchEquivalenceTests.Export("DdpmVelocity", folder);
        var data = Path.Combine(folder, "colour.idx");
        var random = new Random(4);
        var bytes = new byte[20 + 32 * 3 * 8 * 8];
        bytes[2] = 8; bytes[3] = 4; bytes[7] = 32; bytes[11] = 3; bytes[15] = 8; bytes[19] = 8;
        for (int i = 20; i < bytes.Length; i++) bytes[i] = (byte)random.Next(256);
        File.WriteAllBytes(data, bytes);
        var train = Path.Combine(folder, "train.py");
        string[] Arguments(string output) => new[] { "--data", data, "--out", Path.Combine(folder, output), "--steps", "3", "--batch", "8",
                                                     "--augment", "0.5", "--log-every", "1", "--device", "cpu" };

        _output.WriteLine(PythonWithTorch.Run(new[] { train }.Concat(Arguments("one")).ToArray(), Minutes));
        // The two ranks also accumulate two micro-batches each, synchronising only the last (DDP's no_sync).
        PythonWithTorch.Torchrun(2, train, Arguments("two").Concat(new[] { "--accumulate", "2" }).ToArray(), Minutes);
        var one = Path.Combine(folder, "one", "checkpoints", "step-0000003", "model.safetensors");
        var two = Path.Combine(folder, "two", "checkpoints", "step-0000003", "model.safetensors");
        AssertClose(one, two, "augmented, 2 ranks of 2 micro-batches vs 1 process");
    }

    /// <summary>
    /// A one-stage model that takes augmentation labels trains under torchrun with --augment 0: its label map then gets no
    /// gradient, which DDP must be told it may not.
    /// </summary>
    [Fact]
    public void AnUnaugmentedOneStageModelWithAugmentationLabelsTrainsOnTwoRanks()
    {
        var folder = Path.Combine(_folder, "one-stage");
        Directory.CreateDirectory(folder);
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", "DdpmVelocity.msd"))
            .Replace("early [0, 0.3)\n    late  [0.3, 1]", "all [0, 1]")
            .Replace("decoder early { width 12 }\n  decoder late  { width 4 }", "decoder all { width 8 }");
        Assert.Contains("decoder all", text);
        PyTorchEquivalenceTests.ExportText(text, "DdpmVelocity", folder);
        var data = Path.Combine(folder, "colour.idx");
        var bytes = new byte[20 + 16 * 3 * 8 * 8];
        bytes[2] = 8; bytes[3] = 4; bytes[7] = 16; bytes[11] = 3; bytes[15] = 8; bytes[19] = 8;
        new Random(5).NextBytes(bytes.AsSpan(20));
        File.WriteAllBytes(data, bytes);
        var output = PythonWithTorch.Torchrun(2, Path.Combine(folder, "train.py"), new[] { "--data", data, "--out", Path.Combine(folder, "run"),
            "--steps", "3", "--batch", "8", "--augment", "0", "--log-every", "1", "--device", "cpu", "--timeout", "2" }, Minutes);
        Assert.Contains("step 3/3", output);
    }

    [Theory]
    [InlineData("CosineData", "checked: idx, idx.gz, png folder, idx folder with a stray png")]
    [InlineData("DdpmVelocity", "checked: idx 4d, png folder")]
    [InlineData("Cifar10Multistage", "checked: cifar batch file, cifar folder, idx 4d, png folder, cifar folder with a stray png")]
    public void TrainPyReadsTheDataFormatsOfTheCSharpLoaders(string model, string expected)
    {
        var folder = Path.Combine(_folder, "formats-" + model);
        Directory.CreateDirectory(folder);
        PyTorchEquivalenceTests.Export(model, folder);
        var printed = PythonWithTorch.Run(new[] { Path.Combine(AppContext.BaseDirectory, "PyTorch", "data_formats.py"), folder, folder }, Minutes);
        Assert.Contains(expected, printed);
    }

    [Fact]
    public void TrainPysAugmentationIsEdmsOnTheReferenceCases()
    {
        // The cases of EDM's augment.py (tests/Fixtures/Augmentation, run by scripts/edm-augment-fixture.py) that the
        // C# pipe is held to, at the C# test's tolerances.
        using var scratch = new ScratchFolder();
        var folder = scratch.Path;
        PyTorchEquivalenceTests.Export("DdpmVelocity", folder);
        var lines = PythonWithTorch.Run(new[] { Path.Combine(AppContext.BaseDirectory, "PyTorch", "augment_cases.py"), folder,
                                                Path.Combine(AppContext.BaseDirectory, "Augmentation", "edm-augment.json") }, Minutes)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(9, lines.Length);
        foreach (var line in lines)
        {
            _output.WriteLine(line);
            var parts = line.Split(' ');
            double image = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            double label = double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(image < 1e-5, $"{parts[0]}: images differ from EDM's by up to {image:G3}");
            Assert.True(label < 1e-6, $"{parts[0]}: labels differ from EDM's by up to {label:G3}");
        }
    }
}
