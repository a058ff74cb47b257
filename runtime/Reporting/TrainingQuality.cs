using System;
using System.Diagnostics;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Evaluation;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Reporting;

/// <summary>One quality evaluation during training: where training stood and what the EMA weights' samples scored.</summary>
public sealed record QualityPoint(long Step, long ImagesSeen, double? TrainGFlops, QualityReport Report, TimeSpan Duration);

/// <summary>
/// The quality evaluations of a <see cref="TrainingSession"/>: the feature network and the reference features, resolved
/// once, and one evaluation of <see cref="TrainOptions.EvalCount"/> EMA samples every <see cref="TrainOptions.EvalEvery"/>
/// steps. Nothing here draws from the trainer's generators, so training runs the same with or without evaluations.
/// </summary>
internal sealed class TrainingQuality : IDisposable
{
    private readonly MultistageTrainer _trainer;
    private readonly MultistageSampler _sampler;
    private readonly IFeatureExtractor _extractor;
    private readonly IDisposable? _ownedExtractor;
    private readonly ReferenceSet _reference;
    // The reference this session drew from the training data; one the caller gave (ReportOptions.QualityReference) is theirs.
    private readonly ReferenceSet? _ownedReference;
    private readonly int _channels, _height, _width;

    private TrainingQuality(MultistageTrainer trainer, MultistageSampler sampler, IFeatureExtractor extractor, IDisposable? owned, ReferenceSet reference,
        bool ownsReference, IBatchSource data)
    {
        _trainer = trainer; _sampler = sampler; _extractor = extractor; _ownedExtractor = owned; _reference = reference;
        _ownedReference = ownsReference ? reference : null;
        (_channels, _height, _width) = (data.Channels, data.Height, data.Width);
    }

    public string FeatureSpace => _extractor.Name;
    public int ReferenceCount => _reference.Count;

    /// <summary>
    /// The feature network and reference features for <paramref name="data"/>'s images, or null with the reason why
    /// there are none (then training goes on without quality evaluations).
    /// </summary>
    public static TrainingQuality? Create(MultistageTrainer trainer, MultistageSampler sampler, ReportOptions report, IBatchSource data, out string? unavailable)
    {
        var options = trainer.Options;
        string shape = $"{data.Channels}x{data.Height}x{data.Width}";
        string setting = $"eval_every {options.EvalEvery}";
        unavailable = null;
        IFeatureExtractor? extractor = report.QualityFeatures;
        IDisposable? owned = null;
        if (extractor is null)
        {
            if (data.Channels != 1 || data.Height != 28 || data.Width != 28)
            {
                unavailable = $"{setting}: no feature network for {shape} images (the built-in one, {FashionFeatureNetwork.NetworkName}, measures " +
                              "1x28x28 Fashion-MNIST-like images); set ReportOptions.QualityFeatures to an IFeatureExtractor for this data.";
                return null;
            }
            try
            {
                var network = FashionFeatureNetwork.LoadDefault();
                extractor = network;
                owned = network;
            }
            catch (Exception e) when (e is InvalidOperationException or System.IO.IOException or ArgumentException)
            {
                unavailable = $"{setting}: the built-in feature network {FashionFeatureNetwork.NetworkName} could not be loaded: {e.Message}";
                return null;
            }
        }

        try
        {
            var reference = report.QualityReference ?? TrainingReference(extractor, data, report.QualityReferenceCount ?? options.EvalCount, options.Seed, out unavailable);
            if (reference is null)
            {
                owned?.Dispose();
                return null;
            }
            bool ownsReference = report.QualityReference is null;
            if (reference.FeatureSpace != extractor.Name)
            {
                owned?.Dispose();
                if (ownsReference) reference.Dispose();
                unavailable = $"{setting}: the reference features are in '{reference.FeatureSpace}' but the feature network is '{extractor.Name}'.";
                return null;
            }
            return new TrainingQuality(trainer, sampler, extractor, owned, reference, ownsReference, data);
        }
        catch (ArgumentException e)
        {
            // The extractor's contract: images it cannot take are an ArgumentException naming both shapes.
            owned?.Dispose();
            unavailable = $"{setting}: the feature network '{extractor.Name}' cannot measure these {shape} images: {e.Message}";
            return null;
        }
    }

    /// <summary>
    /// The features of up to <paramref name="count"/> training images, drawn without replacement by a generator of
    /// its own (seeded from the training seed), so the training data's order is untouched.
    /// </summary>
    private static ReferenceSet? TrainingReference(IFeatureExtractor extractor, IBatchSource data, int count, long seed, out string? unavailable)
    {
        unavailable = null;
        Tensor? images = data switch
        {
            ImageDataset dataset => dataset.Images,
            TensorBatchSource tensors => tensors.Images,
            _ => null,
        };
        if (images is null)
        {
            unavailable = $"quality evaluation needs reference images, and a {data.GetType().Name} does not expose its training images; " +
                          "set ReportOptions.QualityReference (ReferenceSet.Of(features, images)).";
            return null;
        }
        long n = images.shape[0];
        if (n < 2)
        {
            unavailable = $"quality evaluation needs at least 2 reference images; the training data holds {n}.";
            return null;
        }
        using var scope = NewDisposeScope();
        using var generator = new Generator(unchecked((ulong)seed ^ 0x5EED_F00D_CAFE_D00DUL));
        var index = randperm(n, generator: generator).narrow(0, 0, Math.Min(n, Math.Max(2, count)));
        var subset = images.index_select(0, index.to(images.device));
        return ReferenceSet.Of(extractor, subset);
    }

    /// <summary>Samples EvalCount images with the EMA weights (the preview sampler's settings and seed) and measures them.</summary>
    public QualityPoint Evaluate(long step, long imagesSeen, double? trainGFlops)
    {
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        Tensor images;
        using (_trainer.Ema.Apply())
            images = _sampler.Sample(_trainer.Options.EvalCount, _channels, _height, _width, _sampler.Options.Seed);
        QualityReport report;
        try
        {
            report = SampleQuality.Evaluate(_extractor, _reference, images, kernelSubsets: 0); // quality.csv has no column for it
        }
        catch (NonFiniteImagesException)
        {
            // Samples that blow up are a point of the curve (not measured), not the end of the run.
            report = new QualityReport((int)images.shape[0], _reference.Count, _extractor.Name, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, null, null);
        }
        return new QualityPoint(step, imagesSeen, trainGFlops, report, clock.Elapsed);
    }

    public void Dispose()
    {
        _ownedExtractor?.Dispose();
        _ownedReference?.Dispose();
    }
}
