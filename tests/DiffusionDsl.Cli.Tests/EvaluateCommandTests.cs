using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiffusionDsl.Cli.Commands;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Evaluation;
using DiffusionDsl.Runtime.Evaluation.Inception;
using DiffusionDsl.Runtime.Reporting;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Cli.Tests;

/// <summary>
/// `msd evaluate` on TinyGray (1x8x8, 6 training steps) and on written image sets. The feature network's weights are
/// random here (seeded): the tests check the plumbing and the report, not what the numbers say about quality.
/// </summary>
public sealed class EvaluateCommandTests : IClassFixture<TrainedTinyGray>, IDisposable
{
    private readonly TrainedTinyGray _run;
    private readonly ScratchFolder _folder = new();
    private readonly string _fashionWeights;

    public EvaluateCommandTests(TrainedTinyGray run)
    {
        _run = run;
        // The default feature cache of these tests' runs is a folder of their own, not the machine's ~/.cache.
        Environment.SetEnvironmentVariable("DIFFUSIONDSL_CACHE", _folder.File("cache-home"));
        _fashionWeights = _folder.File("fashion-random.safetensors");
        random.manual_seed(3);
        using var network = new FashionFeatureNetwork();
        SafetensorsWeights.Export(network, _fashionWeights, WeightLayout.Native);
    }

    public void Dispose() => _folder.Dispose();

    private static (int Exit, string Text) Msd(params string[] args)
    {
        var console = new RecordingConsole();
        int exit = CliApp.Run(args, console.Console, console.Writer);
        return (exit, console.Text);
    }

    private (int Exit, string Text) EvaluateTinyGray(params string[] extra) =>
        Msd([.. new[] { "evaluate", TinyModelsAssembly.Path, "--model", "TinyGray", "--checkpoint", _run.Checkpoint(6), "--data", _run.Data }, .. extra]);

    private string[] Fashion => new[] { "--fashion-weights", _fashionWeights };

    [Fact]
    public void SamplesATrainedModelAndWritesTheReportAsJson()
    {
        Assert.True(_run.ExitCode == 0, _run.Output);
        var json = _folder.File("out/report.json");

        var (exit, text) = EvaluateTinyGray([.. new[] { "--count", "8", "--steps", "2", "--json", json }, .. Fashion]);

        Assert.True(exit == 0, text);
        Assert.Contains($"reference: 24 images 1x8x8 from {_run.Data}", text);
        Assert.Contains($"checkpoint: {_run.Checkpoint(6)} (step 6, EMA weights)", text);
        Assert.Contains("sampled 8 images with", text);
        Assert.Matches(@"note: fashion-cnn-128@[0-9a-f]{12} was trained on 1x28x28 Fashion-MNIST; these 1x8x8 images are resized to 28x28 \(bilinear\)", text);
        Assert.Contains("FD (N = 8)", text);
        Assert.Contains($"-> {json}", text);

        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var root = document.RootElement;
        Assert.Equal(8, root.GetProperty("count").GetInt32());
        Assert.Equal(24, root.GetProperty("referenceCount").GetInt32());
        // Not the built-in weights: the space is named with a fingerprint of the weights' values.
        using (var network = FashionFeatureNetwork.Load(_fashionWeights))
            Assert.Equal(network.Name, root.GetProperty("featureSpace").GetString());
        Assert.Matches("^fashion-cnn-128@[0-9a-f]{12}$", root.GetProperty("featureSpace").GetString());
        foreach (var name in new[] { "frechetDistance", "precision", "recall", "density", "coverage", "classEntropy" })
            Assert.True(double.IsFinite(root.GetProperty(name).GetDouble()) && root.GetProperty(name).GetDouble() >= 0, name);
        foreach (var name in new[] { "precision", "recall", "coverage" })
            Assert.InRange(root.GetProperty(name).GetDouble(), 0, 1);
        // The kernel distance, unbiased (so it may be a hair below 0), over subsets of all 8.
        Assert.True(double.IsFinite(root.GetProperty("kernelDistance").GetDouble()));
        Assert.Equal(8, root.GetProperty("kernelDistanceSubsetSize").GetInt32());
        Assert.Contains("kernel distance (subsets of 8)", text);
        var histogram = root.GetProperty("classHistogram").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(10, histogram.Length);
        Assert.Equal(1.0, histogram.Sum(), 9);
        Assert.All(histogram, fraction => Assert.Equal(0, fraction * 8 % 1, 9)); // whole images out of 8
        Assert.Equal(8, QualityReport.FromJson(File.ReadAllText(json)).Count);
    }

    [Fact]
    public void ScoringTheGridMsdSampleWritesGivesTheSameReportAsSamplingHere()
    {
        Assert.True(_run.ExitCode == 0, _run.Output);
        var grid = _folder.File("grid.png");
        var (sampleExit, sampleText) = Msd("sample", TinyModelsAssembly.Path, "--model", "TinyGray", "--checkpoint", _run.Checkpoint(6),
            "--count", "8", "--steps", "2", "--output", grid); // --scale 2 (the default): 16-pixel cells
        Assert.True(sampleExit == 0, sampleText);

        var sampled = _folder.File("sampled.json");
        var (exit, text) = EvaluateTinyGray([.. new[] { "--count", "8", "--steps", "2", "--json", sampled }, .. Fashion]);
        Assert.True(exit == 0, text);
        var fromGrid = _folder.File("grid.json");
        (exit, text) = Msd([.. new[] { "evaluate", "--images", grid, "--data", _run.Data, "--json", fromGrid }, .. Fashion]);
        Assert.True(exit == 0, text);

        Assert.Contains($"images: 8 tiles 1x8x8 from the grid {grid} (3x3 cells, scale 2, padding 2)", text); // the grid records its count
        Assert.Equal(Scores(sampled), Scores(fromGrid));
        // A different draw gives a different report, so the equality above is not vacuous.
        var other = _folder.File("other.json");
        (exit, text) = EvaluateTinyGray([.. new[] { "--count", "8", "--steps", "2", "--seed", "99", "--json", other }, .. Fashion]);
        Assert.True(exit == 0, text);
        Assert.NotEqual(File.ReadAllText(sampled), File.ReadAllText(other));
    }

    [Fact]
    public void ScoresAFolderOfImagesAndTheSameImagesAsAGrid()
    {
        using var scope = NewDisposeScope();
        var images = Images(10, 28, seed: 1);
        var folder = Directory.CreateDirectory(_folder.File("images")).FullName;
        for (int i = 0; i < 10; i++) SampleGrid.SavePng(images[i..(i + 1)], Path.Combine(folder, $"{i:D2}.png"), padding: 0);
        var grid = _folder.File("images-grid.png");
        SampleGrid.SavePng(images, grid);
        var reference = _folder.File("reference-idx3-ubyte");
        File.WriteAllBytes(reference, IdxFile.Images(12, 28, 28, i => (byte)(i * 7919 % 253)));

        var fromFolder = _folder.File("folder.json");
        var (exit, text) = Msd([.. new[] { "evaluate", "--images", folder, "--data", reference, "--json", fromFolder }, .. Fashion]);
        Assert.True(exit == 0, text);
        Assert.Contains($"images: 10 images 1x28x28 from {folder}", text);
        Assert.DoesNotContain("note:", text); // 1x28x28 is what the network takes
        Assert.Equal(10, QualityReport.FromJson(File.ReadAllText(fromFolder)).Count);

        var fromGrid = _folder.File("grid.json");
        (exit, text) = Msd([.. new[] { "evaluate", "--images", grid, "--tile", "28", "--data", reference, "--json", fromGrid }, .. Fashion]);
        Assert.True(exit == 0, text);
        Assert.Contains("images: 10 tiles 1x28x28 from the grid", text);
        Assert.Equal(Scores(fromFolder), Scores(fromGrid));

        // sample.py's --out X.safetensors (the tensor "samples") scores as the grid of the same images does.
        var tensorFile = _folder.File("samples.safetensors");
        DiffusionDsl.Runtime.Checkpoints.Safetensors.SafetensorsWriter.Write(tensorFile, new[] { new KeyValuePair<string, Tensor>("samples", images) });
        var fromTensor = _folder.File("tensor.json");
        (exit, text) = Msd([.. new[] { "evaluate", "--images", tensorFile, "--data", reference, "--json", fromTensor }, .. Fashion]);
        Assert.True(exit == 0, text);
        Assert.Contains($"images: 10 images 1x28x28 from the tensor 'samples' of {tensorFile}", text);
        Assert.Equal(Scores(fromFolder), Scores(fromTensor));

        // --count takes the first N.
        var firstSix = _folder.File("six.json");
        (exit, text) = Msd([.. new[] { "evaluate", "--images", folder, "--count", "6", "--data", reference, "--json", firstSix }, .. Fashion]);
        Assert.True(exit == 0, text);
        Assert.Equal(6, QualityReport.FromJson(File.ReadAllText(firstSix)).Count);
    }

    /// <summary>Without --fashion-weights, the network shipped in the runtime scores real images as real.</summary>
    [Fact]
    public void TheShippedFeatureNetworkScoresRealTestImagesAgainstThemselvesAsPerfect()
    {
        var slice = Path.Combine(AppContext.BaseDirectory, "FashionMnistTest");
        var images = Path.Combine(slice, "t10k-images-idx3-ubyte.gz");
        var json = _folder.File("shipped.json");
        var (exit, text) = Msd("evaluate", "--images", images, "--count", "200", "--data", slice, "--reference-count", "200", "--json", json);
        Assert.True(exit == 0, text);
        var report = QualityReport.FromJson(File.ReadAllText(json));
        Assert.Equal("fashion-cnn-128", report.FeatureSpace);
        Assert.True(Math.Abs(report.FrechetDistance) < 1e-6, $"FD {report.FrechetDistance}");
        Assert.Equal((1.0, 1.0, 1.0), (report.Precision, report.Recall, report.Coverage));
        Assert.True(report.ClassEntropy > 2.0, $"class entropy {report.ClassEntropy}"); // ten classes: at most ln 10 = 2.30
    }

    [Fact]
    public void AFashionMnistFolderGivesItsHeldOutTestImagesAsTheReference()
    {
        var data = Directory.CreateDirectory(_folder.File("fashion")).FullName;
        File.WriteAllBytes(Path.Combine(data, "train-images-idx3-ubyte"), IdxFile.Images(20, 28, 28, i => (byte)(i % 7)));
        File.WriteAllBytes(Path.Combine(data, "t10k-images-idx3-ubyte"), IdxFile.Images(12, 28, 28, i => (byte)(i * 31 % 255)));
        var labels = new byte[8 + 12];
        labels[2] = 0x08; labels[3] = 1; labels[7] = 12;
        File.WriteAllBytes(Path.Combine(data, "t10k-labels-idx1-ubyte"), labels);
        var images = _folder.File("scored-idx3-ubyte");
        File.WriteAllBytes(images, IdxFile.Images(9, 28, 28, i => (byte)(i * 13 % 256)));

        var json = _folder.File("t10k.json");
        var (exit, text) = Msd([.. new[] { "evaluate", "--images", images, "--data", data, "--json", json }, .. Fashion]);
        Assert.True(exit == 0, text);
        Assert.Contains($"reference: 12 held-out Fashion-MNIST test images (t10k) 1x28x28 from {data}", text);
        Assert.Equal((9, 12), (QualityReport.FromJson(File.ReadAllText(json)).Count, QualityReport.FromJson(File.ReadAllText(json)).ReferenceCount));

        (exit, text) = Msd([.. new[] { "evaluate", "--images", images, "--data", data, "--reference-count", "7", "--json", json }, .. Fashion]);
        Assert.True(exit == 0, text);
        Assert.Equal(7, QualityReport.FromJson(File.ReadAllText(json)).ReferenceCount);

        // Without the label files (evaluation reads none) the test images are still the reference, not the 20 training
        // images beside them (a reviewer's finding: they were, without a word).
        File.Delete(Path.Combine(data, "t10k-labels-idx1-ubyte"));
        (exit, text) = Msd([.. new[] { "evaluate", "--images", images, "--data", data, "--json", json }, .. Fashion]);
        Assert.True(exit == 0, text);
        Assert.Contains($"reference: 12 held-out Fashion-MNIST test images (t10k) 1x28x28 from {data}", text);
        var report = QualityReport.FromJson(File.ReadAllText(json));
        Assert.Equal($"12 held-out Fashion-MNIST test images (t10k) 1x28x28 from {data}", report.Reference);
        Assert.Equal($"9 images 1x28x28 from {images}", report.Generated);
    }

    /// <summary>The report names what was scored against what: the model's checkpoint, weights, seed and sampler, and the reference.</summary>
    [Fact]
    public void TheReportNamesTheSamplesAndTheReference()
    {
        var json = _folder.File("named.json");
        var (exit, text) = EvaluateTinyGray([.. new[] { "--count", "8", "--steps", "2", "--seed", "4", "--reference-count", "20", "--json", json }, .. Fashion]);
        Assert.True(exit == 0, text);
        var report = QualityReport.FromJson(File.ReadAllText(json));
        Assert.Equal($"20 images 1x8x8 from {_run.Data} (the first 20 of 24, in file order)", report.Reference);
        Assert.StartsWith($"TinyGray from {_run.Checkpoint(6)} (EMA weights), seed 4: sampled 8 images with ", report.Generated);
        Assert.Contains(", 2 steps", report.Generated);
    }

    /// <summary>A grey model against a folder of colour images reads them as grey, as msd train does (it read them as RGB and failed).</summary>
    [Fact]
    public void AGreyModelReadsAColourReferenceFolderAsGrey()
    {
        using var scope = NewDisposeScope();
        var colour = rand(new long[] { 8, 3, 8, 8 }, generator: new Generator(5)) * 2 - 1;
        var folder = Directory.CreateDirectory(_folder.File("colour")).FullName;
        for (int i = 0; i < 8; i++) SampleGrid.SavePng(colour[i..(i + 1)], Path.Combine(folder, $"{i:D2}.png"), padding: 0);
        var (exit, text) = Msd([.. new[] { "evaluate", TinyModelsAssembly.Path, "--model", "TinyGray", "--checkpoint", _run.Checkpoint(6), "--count", "8",
                                           "--steps", "2", "--data", folder }, .. Fashion]);
        Assert.True(exit == 0, text);
        Assert.Contains($"reference: 8 images 1x8x8 from {folder}", text);

        // A folder is decoded only as far as --reference-count: the description still says how many it holds.
        (exit, text) = Msd([.. new[] { "evaluate", "--images", folder, "--data", folder, "--reference-count", "6" }, .. Fashion]);
        Assert.True(exit == 0, text);
        Assert.Contains($"reference: 6 images 3x8x8 from {folder} (the first 6 of 8, in file order)", text);
    }

    /// <summary>The reference features are kept between runs: the second run reads them back and scores the same.</summary>
    [Fact]
    public void TheSecondRunReadsTheReferenceFeaturesFromTheCache()
    {
        var cache = _folder.File("feature-cache");
        var (first, second) = (_folder.File("cache-1.json"), _folder.File("cache-2.json"));
        var (exit, text) = Msd([.. new[] { "evaluate", "--images", _run.Data, "--data", _run.Data, "--feature-cache", cache, "--json", first }, .. Fashion]);
        Assert.True(exit == 0, text);
        Assert.Contains($"reference features: computed, and kept in {cache} for the next run", text);
        (exit, text) = Msd([.. new[] { "evaluate", "--images", _run.Data, "--data", _run.Data, "--feature-cache", cache, "--json", second }, .. Fashion]);
        Assert.True(exit == 0, text);
        Assert.Contains($"reference features: read from the cache in {cache}", text);
        Assert.Equal(File.ReadAllText(first), File.ReadAllText(second));

        (exit, text) = Msd([.. new[] { "evaluate", "--images", _run.Data, "--data", _run.Data, "--feature-cache", "none" }, .. Fashion]);
        Assert.True(exit == 0, text);
        Assert.DoesNotContain("reference features:", text);

        // Without the option, the default folder ($DIFFUSIONDSL_CACHE here); an empty one is refused before any work.
        (exit, text) = Msd([.. new[] { "evaluate", "--images", _run.Data, "--data", _run.Data }, .. Fashion]);
        Assert.Contains($"reference features: computed, and kept in {Path.Combine(_folder.File("cache-home"), "reference-features")} for the next run", text);
        (exit, text) = Msd([.. new[] { "evaluate", "--images", _run.Data, "--data", _run.Data, "--feature-cache", " " }, .. Fashion]);
        Assert.Equal(1, exit);
        Assert.Contains("error: --feature-cache is empty; give a folder, or none to compute the reference features every time.", text);
    }

    /// <summary>A model whose images differ from the reference's is refused before it samples (it sampled first, then failed).</summary>
    [Fact]
    public void AModelOfAnotherShapeThanTheReferenceIsRefusedBeforeSampling()
    {
        var reference = _folder.File("t28-model-idx3-ubyte");
        File.WriteAllBytes(reference, IdxFile.Images(8, 28, 28, i => (byte)i));
        var (exit, text) = Msd([.. new[] { "evaluate", TinyModelsAssembly.Path, "--model", "TinyGray", "--checkpoint", _run.Checkpoint(6), "--count", "8",
                                           "--data", reference }, .. Fashion]);
        Assert.Equal(1, exit);
        Assert.Contains($"error: TinyGray makes 1x8x8 images, but the reference images ({reference}) are 1x28x28", text);
        Assert.DoesNotContain("sampled", text);
    }

    [Fact]
    public void AFeatureWeightsFileThatCannotBeReadIsNamedByItsOption()
    {
        var images = _folder.File("named-idx3-ubyte");
        File.WriteAllBytes(images, IdxFile.Images(6, 28, 28, i => (byte)(i % 9)));
        var notWeights = _folder.Write("notes.safetensors", "not weights");

        var (exit, text) = Msd("evaluate", "--images", images, "--data", images, "--fashion-weights", notWeights);
        Assert.Equal(1, exit);
        Assert.Contains($"error: --fashion-weights {notWeights}: not a safetensors file", text);
        Assert.DoesNotContain("Checkpoint", text);

        (exit, text) = Msd("evaluate", "--images", images, "--data", images, "--features", "inception", "--inception-weights", _folder.File("absent.safetensors"));
        Assert.Equal(1, exit);
        Assert.Contains($"error: --inception-weights {_folder.File("absent.safetensors")}:", text);
    }

    /// <summary>Random (seeded) FID Inception weights and a folder of six 1x8x8 PNGs, for the inception tests.</summary>
    private (string Weights, string Folder) InceptionInputs(string name)
    {
        var weights = _folder.File($"{name}.safetensors");
        random.manual_seed(4);
        using (var network = new FidInceptionV3())
            SafetensorsWriter.Write(weights, network.state_dict().ToList());
        using var scope = NewDisposeScope();
        var folder = Directory.CreateDirectory(_folder.File(name)).FullName;
        var images = Images(6, 8, seed: 2);
        for (int i = 0; i < 6; i++) SampleGrid.SavePng(images[i..(i + 1)], Path.Combine(folder, $"{i}.png"), padding: 0);
        return (weights, folder);
    }

    [Fact]
    public void InceptionFeaturesScoreWithTheWeightsFileGiven()
    {
        var (weights, folder) = InceptionInputs("inception-random");
        var json = _folder.File("inception.json");

        var (exit, text) = Msd("evaluate", "--images", folder, "--data", _run.Data, "--reference-count", "6", "--features", "inception",
            "--inception-weights", weights, "--json", json);

        Assert.True(exit == 0, text);
        Assert.Matches($@"features: fid-inception-v3-pool3@[0-9a-f]{{12}} \(2048-d, images resized to 299x299\) from {System.Text.RegularExpressions.Regex.Escape(weights)}", text);
        Assert.Contains("note: as pytorch-fid does, the 1x8x8 images are resized to 299x299 (bilinear) and grey is repeated to RGB.", text);
        var report = QualityReport.FromJson(File.ReadAllText(json));
        Assert.Equal((6, 6), (report.Count, report.ReferenceCount));
        Assert.StartsWith("fid-inception-v3-pool3@", report.FeatureSpace);
        Assert.Null(report.ClassHistogram);
        Assert.True(double.IsFinite(report.FrechetDistance));
    }

    /// <summary>The same images and weights through TensorFlow's FID graph's resize and scaling: another feature space, another FD.</summary>
    [Fact]
    public void InceptionFeaturesScoreThroughTensorFlowsPreprocessingWhenAsked()
    {
        var (weights, folder) = InceptionInputs("inception-random-tf");
        QualityReport Score(params string[] extra)
        {
            var json = _folder.File($"inception{extra.Length}.json");
            var (exit, text) = Msd([.. new[] { "evaluate", "--images", folder, "--data", _run.Data, "--reference-count", "6", "--features", "inception",
                "--inception-weights", weights, "--json", json, "--feature-cache", "none" }, .. extra]);
            Assert.True(exit == 0, text);
            if (extra.Length > 0)
            {
                Assert.Contains("TensorFlow 1's resize_bilinear, (v - 128) / 128) from", text);
                Assert.Contains("note: as TensorFlow's FID graph does, the 1x8x8 images are resized to 299x299", text);
            }
            return QualityReport.FromJson(File.ReadAllText(json));
        }

        var pytorch = Score();
        var tensorflow = Score("--inception-preprocessing", "tensorflow");
        Assert.StartsWith("fid-inception-v3-pool3-tf@", tensorflow.FeatureSpace);
        Assert.Equal(pytorch.FeatureSpace.Split('@')[1], tensorflow.FeatureSpace.Split('@')[1]);
        Assert.NotEqual(pytorch.FrechetDistance, tensorflow.FrechetDistance);

        var (code, output) = Msd("evaluate", "--images", folder, "--data", _run.Data, "--inception-preprocessing", "tensorflow");
        Assert.Equal(1, code);
        Assert.Contains("error: --inception-preprocessing goes with --features inception.", output);
    }

    [Theory]
    [InlineData("0", "error: --count must be at least 1, not 0.")]
    [InlineData("3", "error: --count must be at least 6, not 3: density and coverage")]
    public void ABadCountIsRefused(string count, string expected)
    {
        var (exit, text) = EvaluateTinyGray([.. new[] { "--count", count }, .. Fashion]);
        Assert.Equal(1, exit);
        Assert.Contains(expected, text);
        Assert.DoesNotContain("checkpoint:", text);
    }

    /// <summary>Images with a NaN (a diverged model's samples) are named as such; libtorch's eigendecomposition failed on them with native frames.</summary>
    [Fact]
    public void NonFiniteImagesAreRefusedAndTheInputIsNotOverwritten()
    {
        var images = torch.rand(8, 1, 28, 28) * 2 - 1;
        images[3, 0, 5, 5] = torch.tensor(float.NaN);
        var tensorFile = _folder.File("nan.safetensors");
        DiffusionDsl.Runtime.Checkpoints.Safetensors.SafetensorsWriter.Write(tensorFile, new[] { new KeyValuePair<string, Tensor>("samples", images) });
        var reference = _folder.File("nan-reference-idx3-ubyte");
        File.WriteAllBytes(reference, IdxFile.Images(12, 28, 28, i => (byte)(i * 7919 % 253)));
        var (exit, text) = Msd([.. new[] { "evaluate", "--images", tensorFile, "--data", reference }, .. Fashion]);
        Assert.Equal(1, exit);
        Assert.Contains("error: 1 of the images' values are not finite (NaN or infinite)", text);
        Assert.DoesNotContain("   at ", text);

        // --json over the file it scores (images it could score) is refused before any work; the report overwrote it.
        images[3, 0, 5, 5] = torch.tensor(0.0f);
        DiffusionDsl.Runtime.Checkpoints.Safetensors.SafetensorsWriter.Write(tensorFile, new[] { new KeyValuePair<string, Tensor>("samples", images) });
        var before = File.ReadAllBytes(tensorFile);
        (exit, text) = Msd([.. new[] { "evaluate", "--images", tensorFile, "--data", reference, "--json", tensorFile }, .. Fashion]);
        Assert.Equal(1, exit);
        Assert.Contains($"error: --json {tensorFile} is the --images file this command reads", text);
        Assert.Equal(before, File.ReadAllBytes(tensorFile));

        // The report is JSON by name too: an image name in an image folder would have replaced an image being scored.
        var picture = _folder.File("a0.png");
        (exit, text) = Msd([.. new[] { "evaluate", "--images", tensorFile, "--data", reference, "--json", picture }, .. Fashion]);
        Assert.Equal(1, exit);
        Assert.Contains($"error: --json {picture}: the file is written as JSON; name it .json.", text);
        Assert.False(File.Exists(picture));
    }

    [Fact]
    public void AMissingCheckpointIsNamed()
    {
        var missing = _folder.File("nowhere.ckpt");
        var (exit, text) = Msd([.. new[] { "evaluate", TinyModelsAssembly.Path, "--model", "TinyGray", "--checkpoint", missing, "--count", "8", "--data", _run.Data }, .. Fashion]);
        Assert.Equal(1, exit);
        Assert.Contains($"error: Checkpoint '{missing}': file not found.", text);
    }

    [Fact]
    public void AnUnknownFeatureSpaceIsRefused()
    {
        var (exit, text) = EvaluateTinyGray("--count", "8", "--features", "clip");
        Assert.Equal(1, exit);
        Assert.Contains("error: --features must be fashion or inception, not 'clip'.", text);

        (exit, text) = EvaluateTinyGray("--count", "8", "--features", "inception");
        Assert.Equal(1, exit);
        Assert.Contains("error: --features inception needs --inception-weights FILE: pytorch-fid's pt_inception-2015-12-05-6726825d.pth", text);
    }

    [Fact]
    public void WhatToScoreMustBeClear()
    {
        var (exit, text) = Msd("evaluate", "--data", _run.Data);
        Assert.Equal(1, exit);
        Assert.Contains("error: give a MODEL to sample from (with --checkpoint and --count), or --images", text);

        (exit, text) = Msd("evaluate", TinyModelsAssembly.Path, "--images", _run.Data, "--data", _run.Data);
        Assert.Equal(1, exit);
        Assert.Contains("error: give either a MODEL to sample from or --images, not both.", text);

        (exit, text) = Msd("evaluate", TinyModelsAssembly.Path, "--model", "TinyGray", "--count", "8", "--data", _run.Data);
        Assert.Equal(1, exit);
        Assert.Contains("error: --checkpoint is required to sample from MODEL.", text);

        (exit, text) = Msd("evaluate", "--images", _run.Data, "--steps", "4", "--seed", "1", "--data", _run.Data);
        Assert.Equal(1, exit);
        Assert.Contains("error: --steps, --seed only apply when sampling from a MODEL, not to --images.", text);
    }

    [Fact]
    public void ImagesOfAnotherShapeThanTheReferenceAreRefused()
    {
        var reference = _folder.File("t28-idx3-ubyte");
        File.WriteAllBytes(reference, IdxFile.Images(8, 28, 28, i => (byte)i));

        var (exit, text) = Msd([.. new[] { "evaluate", "--images", _run.Data, "--data", reference }, .. Fashion]);

        Assert.Equal(1, exit);
        Assert.Contains($"error: the images to score are 1x8x8, but the reference images ({reference}) are 1x28x28", text);
    }

    [Fact]
    public void AGridThatIsNoGridIsNamed()
    {
        var png = _folder.File("photo.png");
        using (var scope = NewDisposeScope()) SampleGrid.SavePng(Images(1, 29, seed: 3), png, padding: 0);

        var (exit, text) = Msd([.. new[] { "evaluate", "--images", png, "--data", _run.Data }, .. Fashion]);

        Assert.Equal(1, exit);
        Assert.Contains($"error: {png}: is 29x29 pixels with no 2-pixel black grid lines between square tiles", text);
    }

    /// <summary>A report's JSON without its description of the scored images, which names the file or checkpoint they came from.</summary>
    private static string Scores(string json) => (QualityReport.FromJson(File.ReadAllText(json)) with { Generated = null }).ToJson();

    /// <summary>Grey images [n, 1, size, size] in [-1, 1] with 8-bit values (what a PNG holds).</summary>
    private static Tensor Images(int n, int size, int seed) =>
        (rand(new long[] { n, 1, size, size }, generator: new Generator((ulong)seed)) * 255).round() / 127.5 - 1;
}
