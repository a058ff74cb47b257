using System;
using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Networks;
using DiffusionDsl.Runtime.Staging;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Checkpoints.Safetensors;

/// <summary>
/// A module's weights as a safetensors file, named the runtime's way or the reference code's
/// (<see cref="ReferenceNames"/>), so weights trained with the reference PyTorch code load into a generated model and
/// back.
/// </summary>
public static class SafetensorsWeights
{
    public const string ModelHashKey = "diffusiondsl.model_hash";
    public const string StepKey = "diffusiondsl.step";

    /// <summary>
    /// Writes <paramref name="module"/>'s state_dict. In the reference layout <paramref name="prefix"/> goes before
    /// every key ("model." for EDMPrecond), and <paramref name="resampleFilters"/> adds the reference's fixed
    /// resample_filter buffers. Stage names default to those of an <see cref="IMultistageModel"/>.
    /// </summary>
    public static void Export(nn.Module module, string path, WeightLayout layout = WeightLayout.Native, IReadOnlyList<string>? stageNames = null,
        string prefix = "", bool resampleFilters = false, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var scope = NewDisposeScope();
        var state = module.state_dict().ToList();
        var tensors = new List<KeyValuePair<string, Tensor>>(state.Count);
        if (layout == WeightLayout.Native)
        {
            tensors.AddRange(state);
        }
        else
        {
            var names = new ReferenceNames(StageNames(module, stageNames), prefix);
            var kind = ResampleFilters.Of(module);
            foreach (var (name, tensor) in state)
            {
                var key = names.ToReference(name);
                tensors.Add(new(key, tensor));
                if (resampleFilters && ResampleFilters.After(key) is { } filter) tensors.Add(new(filter, Blocks.Resampling.Kernel(kind)));
            }
        }
        var header = new Dictionary<string, string> { ["format"] = "pt" };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>()) header[key] = value;
        SafetensorsWriter.Write(path, tensors, header);
    }

    /// <summary>
    /// Loads a safetensors file into <paramref name="module"/> by name, after checking that the names match exactly
    /// (the error lists the missing and unexpected ones), then every shape and dtype (<paramref name="convertDtypes"/>
    /// lets, say, F16 weights load into a float32 model). A null <paramref name="layout"/> reads native names when the
    /// file has encoder.* keys and reference names otherwise; reference names may carry EDMPrecond's "model." prefix.
    /// With <paramref name="modelHash"/>, a file that records another model hash is refused. Returns the file's
    /// metadata. Nothing is copied unless everything checks out.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Import(nn.Module module, string path, WeightLayout? layout = null,
        IReadOnlyList<string>? stageNames = null, bool convertDtypes = false, string? modelHash = null)
    {
        using var file = SafetensorsFile.Open(path);
        if (modelHash is not null && file.Metadata.TryGetValue(ModelHashKey, out var stored) && stored != modelHash)
            throw CheckpointCompatibility.AnotherModel(path, stored, modelHash);
        bool native = layout == WeightLayout.Native
                      || layout is null && file.Tensors.Any(t => t.Name.StartsWith(ReferenceNames.EncoderPrefix, StringComparison.Ordinal));
        var names = native ? null : new ReferenceNames(StageNames(module, stageNames), PrefixOf(file));
        var sources = names is null ? file.Tensors.ToDictionary(t => t.Name) : ReferenceSources(file, names, ResampleFilters.Of(module));

        var targets = module.state_dict().ToList();
        CheckNames(path, names, targets.Select(t => t.Key).ToList(), sources);
        foreach (var (name, target) in targets) CheckTensor(path, sources[name], target, convertDtypes);

        using var noGrad = no_grad();
        foreach (var (name, target) in targets)
        {
            var entry = sources[name];
            if (target.device_type == DeviceType.CPU && target.is_contiguous() && target.dtype == entry.DType)
            {
                file.ReadInto(entry, target);
            }
            else
            {
                using var value = file.Read(entry.Name);
                target.copy_(value);
            }
        }
        return file.Metadata;
    }

    private static IReadOnlyList<string> StageNames(nn.Module module, IReadOnlyList<string>? given) =>
        given ?? (module as IMultistageModel)?.Stages.Stages.Select(s => s.Name).ToList()
        ?? throw new ArgumentException("The reference layout needs the stage names of a module that is not an IMultistageModel.", nameof(given));

    private static string PrefixOf(SafetensorsFile file) =>
        file.Tensors.Count > 0 && file.Tensors.All(t => t.Name.StartsWith(ReferenceNames.PreconditionerPrefix, StringComparison.Ordinal))
            ? ReferenceNames.PreconditionerPrefix : "";

    /// <summary>The file's tensors by native name; resample filters are checked and dropped, unknown names kept as they are.</summary>
    private static Dictionary<string, SafetensorsEntry> ReferenceSources(SafetensorsFile file, ReferenceNames names, ResampleFilter expected)
    {
        var sources = new Dictionary<string, SafetensorsEntry>();
        foreach (var entry in file.Tensors)
        {
            if (entry.Name.EndsWith(ResampleFilters.Suffix, StringComparison.Ordinal))
            {
                using var filter = file.Read(entry.Name);
                if (!ResampleFilters.Matches(filter, expected))
                    throw new CheckpointException(file.Path, $"tensor '{entry.Name}': a resampling filter other than {ResampleFilters.Describe(expected)}, which this model's encoder family uses.");
                continue;
            }
            sources[names.ToNative(entry.Name) ?? entry.Name] = entry;
        }
        return sources;
    }

    private static void CheckNames(string path, ReferenceNames? names, IReadOnlyList<string> model, Dictionary<string, SafetensorsEntry> sources)
    {
        var known = model.ToHashSet();
        var missing = model.Where(n => !sources.ContainsKey(n)).Select(n => names is null ? n : names.ToReference(n)).ToList();
        var unexpected = sources.Where(p => !known.Contains(p.Key)).Select(p => p.Value.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (missing.Count == 0 && unexpected.Count == 0) return;
        var problems = new List<string>();
        if (missing.Count > 0) problems.Add($"{missing.Count} of the model's tensors are missing: {List(missing)}");
        if (unexpected.Count > 0) problems.Add($"{unexpected.Count} unexpected tensors: {List(unexpected)}");
        throw new CheckpointException(path, $"its tensor names do not match the model ({(names is null ? "native" : "reference")} layout): {string.Join("; ", problems)}.");
    }

    private static string List(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(10).Select(n => $"'{n}'")) + (names.Count > 10 ? $" and {names.Count - 10} more" : "");

    private static void CheckTensor(string path, SafetensorsEntry entry, Tensor target, bool convertDtypes)
    {
        if (!entry.Shape.SequenceEqual(target.shape))
            throw new CheckpointException(path, $"tensor '{entry.Name}' has shape [{string.Join(", ", entry.Shape)}] in the file but [{string.Join(", ", target.shape)}] in the model.");
        if (entry.DType != target.dtype && !convertDtypes)
            throw new CheckpointException(path, $"tensor '{entry.Name}' is {entry.DType} in the file but {target.dtype} in the model; import with convertDtypes to convert.");
    }
}
