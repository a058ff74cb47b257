using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Data;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// Reference features kept on disk between runs, so that scoring checkpoint after checkpoint against one reference set
/// computes its features once (10,000 images through Inception at 299x299 take minutes on a CPU). An entry is keyed by
/// the feature space's name, by the build of the scoring code (the runtime's and the extractor's assembly versions ids:
/// a release with retrained built-in weights, which keep the name fashion-cnn-128, or with other preprocessing is another
/// build), and by a fingerprint of the reference images' values (<see cref="ImageFingerprint"/>): other weights, other
/// scoring code or other images cannot hit an entry, however the files were renamed.
/// </summary>
public sealed class ReferenceFeatureCache
{
    public ReferenceFeatureCache(string folder) => Folder = folder;

    /// <summary>$DIFFUSIONDSL_CACHE, else $XDG_CACHE_HOME/diffusiondsl, else ~/.cache/diffusiondsl; then reference-features.</summary>
    public static ReferenceFeatureCache Default
    {
        get
        {
            string root = Environment.GetEnvironmentVariable("DIFFUSIONDSL_CACHE") is { Length: > 0 } own ? own
                : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? Path.Combine(xdg, "diffusiondsl")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "diffusiondsl");
            return new ReferenceFeatureCache(Path.Combine(root, "reference-features"));
        }
    }

    public string Folder { get; }

    /// <summary>
    /// The reference set of <paramref name="images"/> in <paramref name="extractor"/>'s space: read from the cache when an
    /// entry for both is there, else computed (<see cref="ReferenceSet.Of"/>) and written. A cache that cannot be read or
    /// written is passed by: the features are computed, as without one.
    /// </summary>
    public ReferenceSet Of(IFeatureExtractor extractor, Tensor images, out Outcome outcome)
    {
        string imagesPrint = ImageFingerprint.Of(images);
        string space = $"{extractor.Name} (scored by {Build(typeof(ReferenceFeatureCache))}, {Build(extractor.GetType())})";
        string path = PathOf(space, imagesPrint);
        if (Read(path, space, extractor, images.shape[0], imagesPrint) is { } cached)
        {
            outcome = Outcome.Read;
            return cached;
        }
        var set = ReferenceSet.Of(extractor, images);
        try
        {
            Directory.CreateDirectory(Folder);
            // float64, as scored: an extractor may compute in float64 (the built-in networks compute in float32, so an
            // Inception entry of 10,000 images could be half its 164 MB, but a cached score must be the computed one).
            SafetensorsWriter.Write(path, new[] { new KeyValuePair<string, Tensor>(FeaturesName, set.Features) },
                new Dictionary<string, string> { [SpaceKey] = space, [ImagesKey] = imagesPrint });
            outcome = Outcome.Written;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            outcome = Outcome.NotWritten; // the features are computed all the same: a cache is never a reason to fail
        }
        return set;
    }

    /// <summary>Whether <see cref="Of"/> read the features from the cache, or computed them and kept them, or could not keep them.</summary>
    public enum Outcome { Read, Written, NotWritten }

    private const string FeaturesName = "features", SpaceKey = "feature_space", ImagesKey = "images";

    private string PathOf(string space, string images) =>
        Path.Combine(Folder, Sha256Text.Of(Encoding.UTF8.GetBytes(space + "\n" + images), digits: 24) + ".safetensors");

    /// <summary>The assembly's build: its module version id, which a deterministic build derives from its contents.</summary>
    private static string Build(Type type) => type.Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];

    /// <summary>The cached set, or null when there is none, or it is for another key or shape, or it cannot be read.</summary>
    private static ReferenceSet? Read(string path, string space, IFeatureExtractor extractor, long count, string images)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var file = SafetensorsFile.Open(path);
            if (!file.Metadata.TryGetValue(SpaceKey, out var cachedSpace) || cachedSpace != space
                || !file.Metadata.TryGetValue(ImagesKey, out var cachedImages) || cachedImages != images) return null;
            using var features = file.Read(FeaturesName);
            if (features.dim() != 2 || features.shape[0] != count || features.shape[1] != extractor.Dimension) return null;
            return new ReferenceSet(extractor.Name, features);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null; // a damaged entry costs the computation, no more
        }
    }
}
