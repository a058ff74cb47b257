using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Data;

/// <summary>
/// Training data that is already a tensor: a .safetensors file holding one [N, C, H, W] tensor of floats (or one named
/// "latents" or "images" among others), used as it is, without the 8-bit images' scaling to [-1, 1]. What a latent
/// diffusion model trains on: images its autoencoder encoded once beforehand (the paper's LDM runs: CelebA-HQ through
/// VQ-f4, 3x64x64, scale factor 1). Batches are drawn uniformly with replacement (<see cref="TensorBatchSource"/>).
/// </summary>
public sealed class TensorFileDataset : IFingerprintedBatchSource, IDisposable
{
    private static readonly string[] PreferredNames = { "latents", "images" };
    private readonly TensorBatchSource _source;

    private TensorFileDataset(Tensor data, string name)
    {
        _source = new TensorBatchSource(data);
        TensorName = name;
    }

    /// <summary>Which tensor of the file the data is.</summary>
    public string TensorName { get; }

    public static bool IsTensorFile(string path) => path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) && File.Exists(path);

    /// <param name="limit">Keep the first N samples only (msd train's --limit).</param>
    public static TensorFileDataset Load(string path, int? limit = null)
    {
        SafetensorsFile file;
        try { file = SafetensorsFile.Open(path); }
        catch (CheckpointException e) { throw new DataFormatException(path, e.Problem, e); }
        using (file)
        using (var scope = NewDisposeScope()) // the read, its float32 copy and the uncut tensor go; the data stays
        {
            // "latents" before "images", whichever the file lists first (train.py chooses alike).
            var entry = file.Tensors.Count == 1 ? file.Tensors[0]
                : PreferredNames.Select(name => file.Tensors.FirstOrDefault(t => t.Name == name)).FirstOrDefault(t => t is not null)
                  ?? throw new DataFormatException(path, $"holds {file.Tensors.Count} tensors ({string.Join(", ", file.Tensors.Select(t => t.Name).Take(8))}): " +
                                                         "name the data tensor \"latents\" or \"images\", or keep it alone in the file.");
            if (entry.Shape.Count != 4 || entry.Shape[0] == 0)
                throw new DataFormatException(path, $"tensor '{entry.Name}' has shape [{string.Join(", ", entry.Shape)}]; training data is [N, C, H, W] with N > 0.");
            if (entry.DType is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64))
                throw new DataFormatException(path, $"tensor '{entry.Name}' is {entry.DType}; training data is floating point (8-bit images go as PNG folders, IDX or CIFAR-10 files).");
            var data = file.Read(entry.Name).to_type(ScalarType.Float32);
            if (limit is { } n && n < data.shape[0]) data = data.narrow(0, 0, n).clone();
            if (!data.isfinite().all().item<bool>())
                throw new DataFormatException(path, $"tensor '{entry.Name}' holds non-finite values.");
            return new TensorFileDataset(data.DetachFromDisposeScope(), entry.Name);
        }
    }

    public int Channels => _source.Channels;
    public int Height => _source.Height;
    public int Width => _source.Width;
    public long Count => _source.Count;
    public string Fingerprint => _source.Fingerprint;

    public Tensor NextBatch(int batchSize, torch.Generator? generator) => _source.NextBatch(batchSize, generator);

    public void Dispose() => _source.Images.Dispose();
}
