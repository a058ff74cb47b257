using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Tests.Shared;
using static TorchSharp.torch;

namespace DiffusionDsl.Generator.Tests;

/// <summary>The fixtures scripts/reference writes by running the paper's code (tests/Fixtures/Reference, copied beside the tests), and the comparisons the tests make with them.</summary>
internal static class ReferenceFixture
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Reference", name);

    /// <summary>max |ours - reference| / max |reference|.</summary>
    public static double RelativeDifference(Tensor ours, Tensor reference) =>
        (ours - reference).abs().max().item<float>() / reference.abs().max().item<float>();

    /// <summary>
    /// Exports <paramref name="model"/> in the reference layout and requires exactly the tensors of the fixture
    /// <paramref name="weights"/>: the same names, shapes and values. Returns the names.
    /// </summary>
    public static IReadOnlyList<string> AssertExportIsTheStateDict(nn.Module model, string weights, bool resampleFilters = false)
    {
        using var scratch = new ScratchFolder();
        var path = Path.Combine(scratch.Path, "export.safetensors");
        SafetensorsWeights.Export(model, path, WeightLayout.Reference, resampleFilters: resampleFilters);
        using var exported = SafetensorsFile.Open(path);
        using var reference = SafetensorsFile.Open(Fixture(weights));
        var names = exported.Tensors.Select(t => t.Name).ToList();
        Assert.Equal(reference.Tensors.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal), names.OrderBy(n => n, StringComparer.Ordinal));
        foreach (var name in names)
        {
            using var a = exported.Read(name);
            using var b = reference.Read(name);
            Assert.True(a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>(), name);
        }
        return names;
    }
}
