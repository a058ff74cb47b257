using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Tests.Shared;
using static TorchSharp.torch;

namespace DiffusionDsl.Data.Tests.Data;

/// <summary>Training data that is a tensor already (latents): used as it is, and every way it can be wrong named.</summary>
public class TensorFileDatasetTests
{
    private static string Write(ScratchFolder folder, string name, params (string Name, Tensor Tensor)[] tensors)
    {
        var path = folder.File(name);
        SafetensorsWriter.Write(path, tensors.Select(t => new KeyValuePair<string, Tensor>(t.Name, t.Tensor)).ToList());
        return path;
    }

    [Fact]
    public void TheValuesAreUsedAsTheyAreAndLimitKeepsTheFirst()
    {
        using var folder = new ScratchFolder();
        using var scope = NewDisposeScope();
        var latents = randn(10, 3, 4, 4) * 5;
        var path = Write(folder, "latents.safetensors", ("means", randn(3)), ("latents", latents.to_type(ScalarType.BFloat16)));
        using var data = TensorFileDataset.Load(path, limit: 6);
        Assert.Equal(("latents", 6L, 3, 4, 4), (data.TensorName, data.Count, data.Channels, data.Height, data.Width));
        var batch = data.NextBatch(64, new TorchSharp.torch.Generator(1));
        Assert.Equal(ScalarType.Float32, batch.dtype);
        // Drawn from the first 6 as stored (bf16-rounded), not rescaled to [-1, 1].
        var first = latents.narrow(0, 0, 6).to_type(ScalarType.BFloat16).to_type(ScalarType.Float32);
        Assert.True(batch.abs().max().item<float>() > 1);
        for (int i = 0; i < 64; i++)
            Assert.Contains(Enumerable.Range(0, 6), k => batch[i].eq(first[k]).all().item<bool>());
    }

    /// <summary>"latents" wins over "images" wherever the file lists it (the exported train.py chooses alike).</summary>
    [Fact]
    public void LatentsWinOverImagesInEitherOrder()
    {
        using var folder = new ScratchFolder();
        using var scope = NewDisposeScope();
        var path = Write(folder, "both.safetensors", ("images", zeros(new long[] { 2, 3, 4, 4 }, dtype: ScalarType.Byte)), ("latents", randn(5, 3, 4, 4)));
        using var data = TensorFileDataset.Load(path);
        Assert.Equal(("latents", 5L), (data.TensorName, data.Count));
    }

    [Fact]
    public void EachWrongFileIsNamed()
    {
        using var folder = new ScratchFolder();
        using var scope = NewDisposeScope();
        string Error(string path) => Assert.Throws<DataFormatException>(() => TensorFileDataset.Load(path).Dispose()).Message;

        Assert.Contains("holds 2 tensors (a, b): name the data tensor \"latents\" or \"images\"",
            Error(Write(folder, "two.safetensors", ("a", randn(2, 1, 2, 2)), ("b", randn(2, 1, 2, 2)))));
        Assert.Contains("tensor 'x' is Int64; training data is floating point",
            Error(Write(folder, "ints.safetensors", ("x", zeros(new long[] { 2, 1, 2, 2 }, dtype: ScalarType.Int64)))));
        Assert.Contains("tensor 'x' holds non-finite values",
            Error(Write(folder, "nan.safetensors", ("x", full(new long[] { 2, 1, 2, 2 }, double.NaN)))));
        System.IO.File.WriteAllBytes(folder.File("zip.safetensors"), new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0 });
        Assert.Contains("a zip archive", Error(folder.File("zip.safetensors")));
    }
}
