using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>What <see cref="FeatureNetworkTraining.Train"/> did.</summary>
public sealed record FeatureTrainingResult(string OutputPath, double TestAccuracy, int Epochs, long Seed, TimeSpan Elapsed, IReadOnlyList<double> EpochLosses);

/// <summary>
/// Trains <see cref="FashionFeatureNetwork"/> on Fashion-MNIST's 60,000 training images with plain TorchSharp, measures
/// its accuracy on the 10,000 held-out test images and writes the weights as safetensors (tools/FeatureNetwork is
/// the command line). Adam, batch 128, learning rate 2e-3 decayed to zero by a cosine over all steps, random
/// left-right flips; the seed fixes the initial weights, the data order and the flips.
/// </summary>
public static class FeatureNetworkTraining
{
    public const int DefaultEpochs = 5;
    public const int BatchSize = 128;
    public const double LearningRate = 2e-3;

    /// <summary>Metadata keys of the written weights.</summary>
    public const string NetworkKey = "diffusiondsl.feature_network", AccuracyKey = "diffusiondsl.test_accuracy", SeedKey = "diffusiondsl.seed",
        EpochsKey = "diffusiondsl.epochs", SecondsKey = "diffusiondsl.train_seconds";

    public static FeatureTrainingResult Train(string fashionMnistFolder, string outputPath, int epochs = DefaultEpochs, long seed = 0, Action<string>? log = null)
    {
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Train at least one epoch.");
        var clock = Stopwatch.StartNew();
        using var images = EvaluationData.FashionMnistTrainImages(fashionMnistFolder);
        using var labels = EvaluationData.FashionMnistTrainLabels(fashionMnistFolder);
        using var testImages = EvaluationData.FashionMnistTestImages(fashionMnistFolder);
        using var testLabels = EvaluationData.FashionMnistTestLabels(fashionMnistFolder);
        long count = images.shape[0];
        int stepsPerEpoch = (int)(count / BatchSize); // the last partial batch is dropped
        int totalSteps = epochs * stepsPerEpoch;

        random.manual_seed(seed);
        using var network = new FashionFeatureNetwork();
        var generator = new Generator((ulong)seed);
        var optimizer = optim.Adam(network.parameters(), LearningRate);
        var losses = new List<double>();
        int step = 0;
        network.train();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            double lossSum = 0;
            using (var order = randperm(count, generator: generator))
            {
                for (int b = 0; b < stepsPerEpoch; b++, step++)
                {
                    using var scope = NewDisposeScope();
                    var index = order.narrow(0, (long)b * BatchSize, BatchSize);
                    var x = images.index_select(0, index);
                    var flip = rand(new long[] { BatchSize, 1, 1, 1 }, generator: generator).lt(0.5);
                    x = where(flip, x.flip(3), x);
                    var y = labels.index_select(0, index);

                    foreach (var group in optimizer.ParamGroups)
                        group.LearningRate = LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps));
                    optimizer.zero_grad();
                    var loss = nn.functional.cross_entropy(network.forward(x), y);
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item<float>();
                }
            }
            losses.Add(lossSum / stepsPerEpoch);
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}/{epochs}: train loss {losses[^1]:F4}, {clock.Elapsed.TotalSeconds:F0} s"));
        }

        double accuracy = Accuracy(network, testImages, testLabels);
        clock.Stop();
        log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"test accuracy {accuracy:P2} on {testImages.shape[0]:N0} held-out images; {clock.Elapsed.TotalSeconds:F0} s in all"));
        var metadata = new Dictionary<string, string>
        {
            [NetworkKey] = FashionFeatureNetwork.NetworkName,
            [AccuracyKey] = accuracy.ToString("R", CultureInfo.InvariantCulture),
            [SeedKey] = seed.ToString(CultureInfo.InvariantCulture),
            [EpochsKey] = epochs.ToString(CultureInfo.InvariantCulture),
            [SecondsKey] = clock.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture),
        };
        SafetensorsWeights.Export(network, outputPath, WeightLayout.Native, metadata: metadata);
        return new FeatureTrainingResult(outputPath, accuracy, epochs, seed, clock.Elapsed, losses);
    }

    /// <summary>The fraction of <paramref name="images"/> the classifier labels correctly (argmax of its logits).</summary>
    public static double Accuracy(IClassifier classifier, Tensor images, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var predicted = classifier.Logits(images).argmax(1).cpu();
        return predicted.eq(labels.cpu()).to_type(ScalarType.Float64).mean().item<double>();
    }
}
