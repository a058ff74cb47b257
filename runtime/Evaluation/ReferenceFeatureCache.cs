using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Data;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// Reference features kept on disk between runs, so that scoring checkpoint after checkpoint against one reference set
/// computes its features once (10,000 images through Inception at 299x299 take minutes on a CPU). An entry is keyed by
/// the feature space's name, which names its weights' values, and by a fingerprint of the reference images' values
/// (<see cref="ImageFingerprint"/>): other weights or other images cannot hit it, however the files were renamed.
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
        string path = PathOf(extractor.Name, imagesPrint);
        if (Read(path, extractor.Name, imagesPrint) is { } cached)
        {
            outcome = Outcome.Read;
            return cached;
        }
        var set = ReferenceSet.Of(extractor, images);
        try
        {
            Directory.CreateDirectory(Folder);
            SafetensorsWriter.Write(path, new[] { new KeyValuePair<string, Tensor>(FeaturesName, set.Features) },
                new Dictionary<string, string> { [SpaceKey] = extractor.Name, [ImagesKey] = imagesPrint });
            outcome = Outcome.Written;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            outcome = Outcome.NotWritten;
        }
        return set;
    }

    /// <summary>Whether <see cref="Of"/> read the features from the cache, or computed them and kept them, or could not keep them.</summary>
    public enum Outcome { Read, Written, NotWritten }

    private const string FeaturesName = "features", SpaceKey = "feature_space", ImagesKey = "images";

    private string PathOf(string space, string images) =>
        Path.Combine(Folder, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(space + "\n" + images)))[..24].ToLowerInvariant() + ".safetensors");

    /// <summary>The cached set, or null when there is none, or it is for another key, or it cannot be read.</summary>
    private static ReferenceSet? Read(string path, string space, string images)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var file = SafetensorsFile.Open(path);
            if (!file.Metadata.TryGetValue(SpaceKey, out var cachedSpace) || cachedSpace != space
                || !file.Metadata.TryGetValue(ImagesKey, out var cachedImages) || cachedImages != images) return null;
            using var features = file.Read(FeaturesName);
            return new ReferenceSet(space, features);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException
                                      or Checkpoints.CheckpointException)
        {
            return null;
        }
    }
}
