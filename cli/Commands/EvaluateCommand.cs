using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using DiffusionDsl.Cli.Hosting;
using DiffusionDsl.Runtime;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Evaluation;
using DiffusionDsl.Runtime.Hosting;
using DiffusionDsl.Runtime.Reporting;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Cli.Commands;

/// <summary>
/// `msd evaluate`: sample quality in a feature space. `msd evaluate MODEL --checkpoint FILE --count N` samples N
/// images from a built model (as `msd sample` does); `msd evaluate --images FOLDER|GRID.png` scores images already
/// written. Either way the images are compared with a reference set (--data; Fashion-MNIST's held-out t10k images
/// when the folder holds them): Fréchet distance, precision/recall, density/coverage, and with the fashion network
/// the predicted-class histogram and its entropy. Prints the table and writes it as JSON with --json.
/// </summary>
public static class EvaluateCommand
{
    public const string FashionFeatures = "fashion", InceptionFeatures = "inception";
    public const string PytorchFidPreprocessing = "pytorch-fid", TensorFlowPreprocessing = "tensorflow";

    /// <summary>Density and coverage (k = 5) compare each image with its 5 nearest neighbours in its own set.</summary>
    public const int MinimumImages = 6;

    public static Command Create(IAnsiConsole console)
    {
        var source = new Argument<string?>("model")
        {
            Description = "The built model to sample from: its assembly (.dll), or a project (.csproj or folder) to build; leave out with --images",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var model = ModelArguments.ModelName();
        var checkpoint = new Option<string?>("--checkpoint") { Description = "A checkpoint written by training (or weights as .safetensors), to sample MODEL with" };
        var count = new Option<int?>("--count") { Description = "Images to sample and score (with --images: the first N, default all)" };
        var images = new Option<string?>("--images") { Description = "Score these images instead of sampling: a folder of PNG/JPEG images, an IDX file, a PNG grid written by msd sample, training or sample.py, or sample.py's .safetensors" };
        var tile = new Option<int?>("--tile") { Description = "Image side (in image pixels) of the tiles in a PNG grid (default: inferred from the grid's black padding)" };
        var data = new Option<string?>("--data") { Description = $"The reference images: a folder with Fashion-MNIST's t10k files (its held-out test set is used), an IDX file, or an image folder (default: {EvaluationData.DefaultFashionMnistFolder})" };
        var referenceCount = new Option<int?>("--reference-count") { Description = "Use only the first N reference images (default: all)" };
        var features = new Option<string>("--features") { Description = "Feature space: fashion (the built-in Fashion-MNIST network) or inception (FID's Inception-v3, weights from --inception-weights)", DefaultValueFactory = _ => FashionFeatures };
        var inceptionWeights = new Option<string?>("--inception-weights") { Description = "pytorch-fid's pt_inception-2015-12-05-6726825d.pth converted to .safetensors (see cli/README.md)" };
        var inceptionPreprocessing = new Option<string?>("--inception-preprocessing")
        {
            Description = "How images reach the Inception: pytorch-fid (PyTorch's bilinear resize, (v - 127.5) / 127.5; the default) or tensorflow " +
                          "(TensorFlow 1's resize_bilinear, (v - 128) / 128: TensorFlow's original FID graph, as EDM's fid.py detector feeds it)",
        };
        inceptionPreprocessing.AcceptOnlyFromAmong(PytorchFidPreprocessing, TensorFlowPreprocessing);
        var fashionWeights = new Option<string?>("--fashion-weights") { Description = "Weights for the fashion network written by tools/FeatureNetwork (default: the ones built into the runtime)" };
        var json = new Option<string?>("--json") { Description = "Also write the report as JSON to this file" };
        var featureCache = new Option<string?>("--feature-cache")
        {
            Description = "Folder where the reference features are kept between runs, keyed by the feature weights and the reference images' values " +
                          "(default: $DIFFUSIONDSL_CACHE, else $XDG_CACHE_HOME/diffusiondsl, else ~/.cache/diffusiondsl, then reference-features); none computes them every time",
        };
        var sampling = new ModelSampling.Options();

        var command = new Command("evaluate", "Measure sample quality (FD, kernel distance, precision/recall, density/coverage) against reference images")
        {
            source, model, checkpoint, count, images, tile, data, referenceCount, features, inceptionWeights, inceptionPreprocessing, fashionWeights,
            json, featureCache,
        };
        sampling.AddTo(command);
        command.SetAction(parsed => Run(new EvaluateSettings
        {
            Source = parsed.GetValue(source), Model = parsed.GetValue(model), Checkpoint = parsed.GetValue(checkpoint),
            Count = parsed.GetValue(count), Images = parsed.GetValue(images), Tile = parsed.GetValue(tile), Data = parsed.GetValue(data),
            ReferenceCount = parsed.GetValue(referenceCount), Features = parsed.GetValue(features)!, InceptionWeights = parsed.GetValue(inceptionWeights),
            InceptionPreprocessing = parsed.GetValue(inceptionPreprocessing),
            FashionWeights = parsed.GetValue(fashionWeights), Json = parsed.GetValue(json), FeatureCache = parsed.GetValue(featureCache),
            Steps = parsed.GetValue(sampling.Steps), Solver = parsed.GetValue(sampling.Solver), Seed = parsed.GetValue(sampling.Seed),
            Ema = !parsed.GetValue(sampling.NoEma), Clip = parsed.GetValue(sampling.Clip), EndTime = parsed.GetValue(sampling.EndTime),
            Churn = parsed.GetValue(sampling.Churn), Spacing = parsed.GetValue(sampling.Spacing), Device = parsed.GetValue(sampling.Device),
        }, console));
        return command;
    }

    public static int Run(EvaluateSettings settings, IAnsiConsole console) =>
        CommandErrors.Guard(console, () => RunUnguarded(settings, console));

    private static int RunUnguarded(EvaluateSettings settings, IAnsiConsole console)
    {
        CheckArguments(settings);
        OutputPath.Check(settings.Json, "--json", ".json", ("--checkpoint", settings.Checkpoint), ("--images", settings.Images), ("--data", settings.Data),
                         ("MODEL", settings.Source), ("--fashion-weights", settings.FashionWeights), ("--inception-weights", settings.InceptionWeights));
        if (settings.Source is not null) settings = settings with { Source = ModelArguments.Prepare(settings.Source, console, settings.Device) };
        else
        {
            TorchNatives.Ensure(null, console.Line);
            ModelArguments.CheckDevice(settings.Device);
        }
        var device = TorchSetup.DefaultDevice(settings.Device);
        using var scope = NewDisposeScope();

        // Everything that can fail fast (feature weights, reference data) comes before sampling, which may take long.
        var extractor = LoadExtractor(settings, device, console);
        try
        {
            var info = settings.Source is not null ? ModelArguments.Load(settings.Source, settings.Model, console) : null;
            var (referenceImages, referencePath, referenceText) = LoadReference(settings, info, console);
            // The model's shape is known before its sampling, which may take long: a reference of another shape is said first.
            if (info is not null) RequireModelShape(info, referenceImages, referencePath);
            var (generated, generatedText) = info is not null ? SampleModel(settings, info, console) : LoadImages(settings.Images!, settings.Tile, settings.Count, console);
            CheckShapes(generated, referenceImages, referencePath, extractor, console);

            var clock = Stopwatch.StartNew();
            using var reference = ReferenceFeatures(settings, extractor, referenceImages, console);
            // The report names what was scored against what, so that two reports can be told apart by more than their counts.
            var report = SampleQuality.Evaluate(extractor, reference, generated) with { Reference = referenceText, Generated = generatedText };
            console.Line(report.ToTable().TrimEnd());
            console.Line($"scored in {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            if (settings.Json is string path)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                File.WriteAllText(path, report.ToJson());
                console.Line($"-> {path}");
            }
            return 0;
        }
        finally
        {
            (extractor as IDisposable)?.Dispose();
        }
    }

    private static void CheckArguments(EvaluateSettings s)
    {
        if (s.Features is not (FashionFeatures or InceptionFeatures))
            throw new ArgumentException($"--features must be {FashionFeatures} or {InceptionFeatures}, not '{s.Features}'.");
        if (s.Features == InceptionFeatures && s.InceptionWeights is null)
            throw new ArgumentException($"--features inception needs --inception-weights FILE: pytorch-fid's {InceptionV3Features.ReferenceWeightsFile} " +
                                        "converted to safetensors (cli/README.md shows how); nothing is downloaded.");
        if (s.Features != InceptionFeatures && s.InceptionWeights is not null)
            throw new ArgumentException("--inception-weights goes with --features inception.");
        if (s.Features != InceptionFeatures && s.InceptionPreprocessing is not null)
            throw new ArgumentException("--inception-preprocessing goes with --features inception.");
        if (s.InceptionPreprocessing is not (null or PytorchFidPreprocessing or TensorFlowPreprocessing))
            throw new ArgumentException($"--inception-preprocessing must be {PytorchFidPreprocessing} or {TensorFlowPreprocessing}, not '{s.InceptionPreprocessing}'.");
        if (s.Features != FashionFeatures && s.FashionWeights is not null)
            throw new ArgumentException("--fashion-weights goes with --features fashion.");

        if (s.Source is null && s.Images is null)
            throw new ArgumentException("give a MODEL to sample from (with --checkpoint and --count), or --images with the images to score.");
        if (s.Source is not null && s.Images is not null)
            throw new ArgumentException("give either a MODEL to sample from or --images, not both.");
        ModelSampling.Check(s.Count, s.Steps, s.EndTime, s.Churn);
        if (s.Count is < MinimumImages)
            throw new ArgumentException($"--count must be at least {MinimumImages}, not {s.Count}: density and coverage compare each image with its 5 nearest neighbours.");
        if (s.ReferenceCount is < MinimumImages)
            throw new ArgumentException($"--reference-count must be at least {MinimumImages}, not {s.ReferenceCount}.");
        if (s.Tile is < 1) throw new ArgumentException($"--tile must be at least 1, not {s.Tile}.");
        if (s.FeatureCache is { } cache && string.IsNullOrWhiteSpace(cache))
            throw new ArgumentException("--feature-cache is empty; give a folder, or none to compute the reference features every time.");

        if (s.Source is not null)
        {
            if (s.Checkpoint is null) throw new ArgumentException("--checkpoint is required to sample from MODEL.");
            if (s.Count is null)
                throw new ArgumentException("--count is required to sample from MODEL: the number of images to score (FD is biased at small counts: compare reports at one count).");
            if (s.Tile is not null) throw new ArgumentException("--tile goes with --images GRID.png.");
        }
        else
        {
            var sampling = new (string Name, bool Given)[]
            {
                ("--model", s.Model is not null), ("--checkpoint", s.Checkpoint is not null), ("--steps", s.Steps is not null),
                ("--solver", s.Solver is not null), ("--seed", s.Seed is not null), ("--no-ema", !s.Ema), ("--clip", s.Clip is not null),
                ("--end-time", s.EndTime is not null), ("--churn", s.Churn is not null), ("--spacing", s.Spacing is not null),
            }.Where(o => o.Given).Select(o => o.Name).ToList();
            if (sampling.Count > 0) throw new ArgumentException($"{string.Join(", ", sampling)} only apply when sampling from a MODEL, not to --images.");
        }
    }

    private static IFeatureExtractor LoadExtractor(EvaluateSettings settings, Device device, IAnsiConsole console)
    {
        if (settings.Features == InceptionFeatures)
        {
            var preprocessing = settings.InceptionPreprocessing == TensorFlowPreprocessing ? InceptionPreprocessing.TensorFlow : InceptionPreprocessing.PytorchFid;
            var inception = WeightsOption("--inception-weights", settings.InceptionWeights!, () => InceptionV3Features.Load(settings.InceptionWeights!, device, preprocessing));
            var pipeline = preprocessing == InceptionPreprocessing.TensorFlow ? "; TensorFlow 1's resize_bilinear, (v - 128) / 128" : "";
            console.Line($"features: {inception.Name} ({inception.Dimension}-d, images resized to 299x299{pipeline}) from {settings.InceptionWeights}");
            return inception;
        }
        FashionFeatureNetwork network;
        if (settings.FashionWeights is string path)
        {
            network = WeightsOption("--fashion-weights", path, () => FashionFeatureNetwork.Load(path));
        }
        else
        {
            try { network = FashionFeatureNetwork.LoadDefault(); }
            catch (InvalidOperationException e)
            {
                throw new ArgumentException($"this runtime was built without the fashion network's weights ({e.Message}); give --fashion-weights FILE.", e);
            }
        }
        network.to(device);
        console.Line($"features: {network.Name} ({network.Dimension}-d, classes {network.Classes}) from {settings.FashionWeights ?? "the runtime's built-in weights"}");
        return network;
    }

    /// <summary>A feature network's weights file is not a checkpoint: its problems are reported against the option that named it.</summary>
    private static T WeightsOption<T>(string option, string path, Func<T> load)
    {
        try { return load(); }
        catch (CheckpointException e) { throw new ArgumentException($"{option} {path}: {e.Problem}", e); }
    }

    /// <summary>
    /// The reference images and a line saying what they are. A folder with Fashion-MNIST's test images (its labels are not
    /// needed) gives them; anything else is read as msd train reads it, with the model's channels when there is a model
    /// (colour images become grey for a grey model, as training takes them).
    /// </summary>
    private static (Tensor Images, string Path, string Description) LoadReference(EvaluateSettings settings, MsdModelInfo? info, IAnsiConsole console)
    {
        var path = settings.Data ?? EvaluationData.DefaultFashionMnistFolder;
        if (settings.Data is null && !Directory.Exists(path))
            throw new ArgumentException($"give --data with the reference images: {path}, where Debian's dataset-fashion-mnist installs Fashion-MNIST, does not exist.");
        Tensor images;
        string description;
        if (Directory.Exists(path) && EvaluationData.HasFashionMnistTestImages(path))
        {
            images = EvaluationData.FashionMnistTestImages(path, settings.ReferenceCount);
            description = $"{images.shape[0]:N0} held-out Fashion-MNIST test images (t10k) 1x28x28 from {path}" +
                          (settings.ReferenceCount is int n ? $" (--reference-count {n}: the first ones in file order)" : "");
        }
        else
        {
            var raw = DatasetLoader.ReadRaw(path, info?.ImageChannels ?? 3, settings.ReferenceCount);
            images = ToTensor(raw, settings.ReferenceCount, path, "--reference-count", greyFromEqualChannels: info is null);
            description = $"{images.shape[0]:N0} images {Shape(images)} from {path}" + FirstOf(images.shape[0], raw);
        }
        console.Line($"reference: {description}");
        if (images.shape[0] < MinimumImages)
            throw new DataFormatException(path, $"holds {images.shape[0]} images; scoring needs at least {MinimumImages} reference images.");
        return (images, path, description);
    }

    /// <summary>The reference set's features: from the feature cache when it holds them for these weights and images, else computed (and kept).</summary>
    private static ReferenceSet ReferenceFeatures(EvaluateSettings settings, IFeatureExtractor extractor, Tensor images, IAnsiConsole console)
    {
        if (settings.FeatureCache is "none") return ReferenceSet.Of(extractor, images);
        var cache = settings.FeatureCache is { } folder ? new ReferenceFeatureCache(folder) : ReferenceFeatureCache.Default;
        var set = cache.Of(extractor, images, out var outcome);
        console.Line(outcome switch
        {
            ReferenceFeatureCache.Outcome.Read => $"reference features: read from the cache in {cache.Folder}",
            ReferenceFeatureCache.Outcome.Written => $"reference features: computed, and kept in {cache.Folder} for the next run",
            _ => $"reference features: computed ({cache.Folder} could not be written, so the next run computes them again)",
        });
        return set;
    }

    /// <summary>" (the first N of M, in file order)" when fewer images were taken than the source holds; else nothing.</summary>
    private static string FirstOf(long taken, RawImages raw)
    {
        long available = raw.Available ?? raw.Count;
        return taken < available ? $" (the first {taken:N0} of {available:N0}, in file order)" : "";
    }

    private static void RequireModelShape(MsdModelInfo info, Tensor reference, string referencePath)
    {
        if (reference.shape[1] == info.ImageChannels && reference.shape[2] == info.ImageSize && reference.shape[3] == info.ImageSize) return;
        throw new ArgumentException($"{info.Name} makes {info.ImageChannels}x{info.ImageSize}x{info.ImageSize} images, but the reference images " +
                                    $"({referencePath}) are {Shape(reference)}: score a model against a reference set of its own image shape (--data).");
    }

    private static (Tensor Images, string Description) SampleModel(EvaluateSettings settings, MsdModelInfo info, IAnsiConsole console)
    {
        var request = new SamplingRequest(settings.Checkpoint!, settings.Count, settings.Steps, settings.Solver, settings.Seed, settings.Ema, settings.Clip, settings.Device, settings.EndTime, settings.Churn, settings.Spacing);
        var options = ModelSampling.Resolve(info, request);
        var (images, summary) = ModelSampling.Sample(info, request, options, console);
        console.Line($"{summary}; scored as 8-bit images, as a PNG stores them");
        var description = $"{info.Name} from {settings.Checkpoint} ({(settings.Ema ? "EMA" : "raw")} weights), seed {options.Seed}: {summary}";
        using (images) return (images.detach().to(ScalarType.Float32, CPU), description); // SampleQuality scores them as 8-bit images
    }

    /// <summary>Images to score from a PNG/JPEG grid, a folder of images, an IDX file or a sample.py .safetensors file, in [-1, 1].</summary>
    private static (Tensor Images, string Description) LoadImages(string path, int? tile, int? count, IAnsiConsole console)
    {
        var (images, description) = ReadImages(path, tile, count);
        console.Line($"images: {description}");
        return (images, description);
    }

    private static (Tensor Images, string Description) ReadImages(string path, int? tile, int? count)
    {
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) return LoadSampleTensor(path, count);
        if (File.Exists(path) && ImageFolderReader.IsImageFile(path))
        {
            var grid = SampleGridReader.Read(path, tile, count);
            var images = ToTensor(grid.Images, null, path, "--count");
            return (images, $"{images.shape[0]:N0} tiles {Shape(images)} from the grid {path} " +
                            $"({grid.Columns}x{grid.Rows} cells, scale {grid.Scale}, padding {grid.Padding}{(count is null && !grid.CountRecorded ? "; trailing all-black cells taken as empty" : "")})");
        }
        if (tile is not null) throw new ArgumentException($"--tile goes with a PNG grid; {path} is not a .png/.jpg file.");
        var raw = DatasetLoader.ReadRaw(path, limit: count);
        var read = ToTensor(raw, count, path, "--count");
        if (read.shape[0] < MinimumImages)
            throw new DataFormatException(path, $"holds {read.shape[0]} images; scoring needs at least {MinimumImages}.");
        return (read, $"{read.shape[0]:N0} images {Shape(read)} from {path}" + FirstOf(read.shape[0], raw));
    }

    /// <summary>
    /// The tensor "samples" [N, C, H, W] that sample.py writes for --out X.safetensors, quantised to 8 bits as a PNG of
    /// them would be, so the two score alike.
    /// </summary>
    private static (Tensor Images, string Description) LoadSampleTensor(string path, int? count)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, Directory.Exists(path) ? "a folder, not a .safetensors file." : "no such file.");
        using var file = DiffusionDsl.Runtime.Checkpoints.Safetensors.SafetensorsFile.Open(path);
        if (!file.Tensors.Any(t => t.Name == "samples"))
            throw new DataFormatException(path, $"holds no tensor 'samples' (sample.py's --out X.safetensors writes one); it holds {string.Join(", ", file.Tensors.Select(t => t.Name).Take(5))}.");
        using var samples = file.Read("samples");
        if (samples.dim() != 4 || samples.shape[1] is not (1 or 3))
            throw new DataFormatException(path, $"its 'samples' is [{string.Join(", ", samples.shape)}], not images [N, 1 or 3, H, W].");
        if (count > samples.shape[0]) throw new DataFormatException(path, $"holds {samples.shape[0]} images, fewer than the {count} of --count.");
        var images = samples.narrow(0, 0, count ?? samples.shape[0]).to(ScalarType.Float32);
        if (images.shape[0] < MinimumImages) throw new DataFormatException(path, $"holds {images.shape[0]} images; scoring needs at least {MinimumImages}.");
        // SampleQuality scores them as 8-bit images.
        return (images, $"{images.shape[0]:N0} images {Shape(images)} from the tensor 'samples' of {path}, scored as 8-bit images");
    }

    /// <summary>The first <paramref name="limit"/> images in [-1, 1]; RGB images whose three channels are equal everywhere become grey.</summary>
    /// <param name="greyFromEqualChannels">Whether colour images whose channels are equal everywhere become grey (not for a
    /// reference read at a model's channel count).</param>
    private static Tensor ToTensor(RawImages raw, int? limit, string path, string limitOption, bool greyFromEqualChannels = true)
    {
        if (limit > raw.Count) throw new DataFormatException(path, $"holds {raw.Count} images, fewer than the {limit} of {limitOption}.");
        using var dataset = ImageDataset.FromRaw(raw, new DatasetOptions { Limit = limit });
        var images = dataset.Images;
        if (greyFromEqualChannels && images.shape[1] == 3 && images[.., 0].eq(images[.., 1]).all().item<bool>() && images[.., 0].eq(images[.., 2]).all().item<bool>())
            return images[.., ..1].clone();
        return images.clone();
    }

    private static void CheckShapes(Tensor generated, Tensor reference, string referencePath, IFeatureExtractor extractor, IAnsiConsole console)
    {
        if (!generated.shape.Skip(1).SequenceEqual(reference.shape.Skip(1)))
            throw new ArgumentException($"the images to score are {Shape(generated)}, but the reference images ({referencePath}) are {Shape(reference)}: " +
                                        "score images against a reference set of their own shape.");
        if (generated.shape[0] < MinimumImages)
            throw new ArgumentException($"{generated.shape[0]} images to score; scoring needs at least {MinimumImages}.");
        long channels = generated.shape[1], size = generated.shape[2];
        if (extractor is InceptionV3Features inception)
        {
            var pipeline = inception.Preprocessing == InceptionPreprocessing.TensorFlow ? "TensorFlow's FID graph" : "pytorch-fid";
            console.Line($"note: as {pipeline} does, the {Shape(generated)} images are resized to 299x299 (bilinear){(channels == 1 ? " and grey is repeated to RGB" : "")}.");
        }
        else if (channels != extractor.ImageChannels || size != extractor.ImageSize || generated.shape[3] != extractor.ImageSize)
        {
            var changes = new List<string>();
            if (channels != extractor.ImageChannels) changes.Add("converted to grey");
            if (size != extractor.ImageSize || generated.shape[3] != extractor.ImageSize) changes.Add($"resized to {extractor.ImageSize}x{extractor.ImageSize} (bilinear)");
            console.Line($"note: {extractor.Name} was trained on {extractor.ImageChannels}x{extractor.ImageSize}x{extractor.ImageSize} Fashion-MNIST; these " +
                         $"{Shape(generated)} images are {string.Join(" and ", changes)} before scoring, so the scores compare image sets of this shape " +
                         "with each other, not with scores of 28x28 Fashion-MNIST models.");
        }
    }

    private static string Shape(Tensor images) => string.Join("x", images.shape.Skip(1));
}
