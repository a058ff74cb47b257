using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiffusionDsl.Generator.Tests.Models;
using DiffusionDsl.Language;
using DiffusionDsl.Language.Backends.PyTorch;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Hosting;
using DiffusionDsl.Runtime.Networks;
using TorchSharp;
using Xunit;
using CsCheck;
using Xunit.Abstractions;
using static TorchSharp.torch;

using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Generator.Tests.PyTorch;

/// <summary>
/// `msd export pytorch` writes a module that computes what the generated TorchSharp model computes: the same safetensors
/// weights (random, O(1), so every block matters) give the same raw outputs, denoised estimates and losses, per stage
/// and for mixed-stage batches, to 1e-5 relative, for models covering the compact and full forms, every schedule
/// (vp, ddpm, cosine, edm), every prediction target (eps, v, x0, edm), Fourier and positional embeddings, attention with
/// one and two heads, augmentation labels, shared middle blocks, fixed and capped GroupNorm counts and one stage, and
/// the ADM network of `encoder adm` (latent diffusion's openaimodel.py): the reference fixtures' tiny multistage and
/// unified ones, and AdmFullOptions (two blocks per level, two attention levels with a fixed head count, capped
/// GroupNorm counts, augmentation labels, Fourier features, dropout).
/// </summary>
public class PyTorchEquivalenceTests
{
    private const double Tolerance = 1e-5;
    private readonly ITestOutputHelper _output;

    public PyTorchEquivalenceTests(ITestOutputHelper output) => _output = output;

    private static readonly Dictionary<string, MsdModelInfo> Models = new[]
    {
        TinyMultistage.Info, EdmFullForm.Info, ReferenceMultistage.Info, ReferenceUnified.Info, DdpmVelocity.Info, CosineData.Info,
        ReferenceMultistageNcsnpp.Info, ReferenceScoreSdeNcsnpp.Info, ReferenceAdmMultistage.Info, ReferenceAdmUnified.Info, AdmFullOptions.Info,
    }.ToDictionary(info => info.Name);

    [Theory]
    [InlineData("TinyMultistage")]
    [InlineData("EdmFullForm")]
    [InlineData("ReferenceMultistage")]
    [InlineData("ReferenceUnified")]
    [InlineData("ReferenceMultistageNcsnpp")]
    [InlineData("ReferenceScoreSdeNcsnpp")]
    [InlineData("DdpmVelocity")]
    [InlineData("CosineData")]
    [InlineData("ReferenceAdmMultistage")]
    [InlineData("ReferenceAdmUnified")]
    [InlineData("AdmFullOptions")]
    public void TheExportedModuleComputesWhatTheGeneratedModelComputes(string name)
    {
        using var scope = NewDisposeScope();
        using var scratch = new ScratchFolder();
        var folder = scratch.Path;
        var module = Export(name, folder);
        random.manual_seed(7);
        var info = Models[name];
        using var model = info.Create();
        model.eval();
        Randomise(model);
        var weights = Path.Combine(folder, "weights.safetensors");
        SafetensorsWeights.Export(model, weights);

        var cases = Cases(model, info);
        var ours = new Dictionary<string, Tensor>();
        using (no_grad())
        {
            var denoiser = new Denoiser(model, model.Schedule, info.Prediction);
            foreach (var (key, (x, t, eps, labels)) in cases)
            {
                ours[$"{key}.raw"] = model.forward(x, t, labels);
                ours[$"{key}.denoised"] = denoiser.Denoise(x, t).Data;
                ours[$"{key}.loss"] = DiffusionLoss.PerSample(denoiser, x, t, eps, labels);
                ours[$"{key}.stage"] = model.Stages.StageOf(t);
            }
        }
        var casesPath = Path.Combine(folder, "cases.safetensors");
        SafetensorsWriter.Write(casesPath, cases.SelectMany(c => Inputs(c.Key, c.Value)).ToList());
        var outPath = Path.Combine(folder, "outputs.safetensors");
        PythonWithTorch.Run(new[] { Path.Combine(AppContext.BaseDirectory, "PyTorch", "compute_outputs.py"), folder, module, weights, casesPath, outPath },
                            TimeSpan.FromMinutes(3));

        using var theirs = SafetensorsFile.Open(outPath);
        foreach (var (key, value) in ours)
        {
            var other = theirs.Read(key);
            Assert.Equal(value.shape, other.shape);
            if (key.EndsWith(".stage"))
            {
                Assert.Equal(value.data<long>().ToArray(), other.data<long>().ToArray());
                continue;
            }
            double difference = (value - other).abs().max().item<float>() / other.abs().max().item<float>();
            _output.WriteLine($"{name} {key}: relative difference {difference:E2}");
            Assert.True(difference <= Tolerance, $"{name} {key}: relative difference {difference:E2} > {Tolerance:E0}");
        }
    }

    [Theory]
    [InlineData("EdmFullForm")]
    [InlineData("ReferenceAdmMultistage")]
    [InlineData("AdmFullOptions")]
    public void TheExportedNamesAreThoseOfTheTorchSharpStateDict(string name)
    {
        // Loading is strict on both sides; this says it directly: Python's state_dict keys and shapes are TorchSharp's.
        using var scratch = new ScratchFolder();
        var folder = scratch.Path;
        var module = Export(name, folder);
        using var model = Models[name].Create();
        var script = $"import sys; sys.path.insert(0, {Quote(folder)}); import {module} as m\n" +
                     "for k, v in m.create_model().state_dict().items(): print(k, list(v.shape))";
        var lines = PythonWithTorch.Run(new[] { "-c", script }, TimeSpan.FromMinutes(2)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = model.state_dict().Select(p => $"{p.Key} [{string.Join(", ", p.Value.shape)}]").OrderBy(s => s, StringComparer.Ordinal);
        Assert.Equal(expected, lines.OrderBy(s => s, StringComparer.Ordinal));
    }

    /// <summary>The sample section's spacing is sample.py's default (ReferenceAdmMultistage.msd samples uniform in t).</summary>
    [Fact]
    public void TheSampleSectionsSpacingIsSamplePysDefault()
    {
        using var scratch = new ScratchFolder();
        var module = Export("ReferenceAdmMultistage", scratch.Path);
        var script = $"import sys; sys.path.insert(0, {Quote(scratch.Path)}); import {module} as m; print(m.SAMPLE_DEFAULTS['solver'], m.SAMPLE_DEFAULTS['spacing'])";
        Assert.Equal("dpm_solver_pp2m time", PythonWithTorch.Run(new[] { "-c", script }, TimeSpan.FromMinutes(2)).Trim());
    }

    /// <summary>
    /// Property: every random model the checker accepts (RandomModelTests' generator: all schedules, targets, forms,
    /// GroupNorm rules, heads, middle blocks, embeddings, augmentation, odd names) exports without an exception, and its
    /// PyTorch module builds with the compiler's parameter count and denoises a batch with two samples in every stage.
    /// </summary>
    [Fact]
    public void EveryRandomModelTheCheckerAcceptsExportsAModuleThatBuildsAndRuns()
    {
        using var scratch = new ScratchFolder();
        var folder = scratch.Path;
        var manifest = new System.Text.StringBuilder();
        int index = 0;
        RandomModel.Models.Sample(random =>
        {
            var compilation = MsdCompiler.Compile(random.Text);
            if (compilation.Model is null) return;
            var target = Path.Combine(folder, $"m{index++}");
            PyTorchExport.Write(compilation.Model, "random.msd", ModelHash.Of(compilation.Model), target);
            manifest.AppendLine($"{target} {PythonNames.Module(compilation.Model.Name)} {compilation.Cost!.TotalParameters} {random.Channels} {random.Size}");
        }, iter: 80, threads: 1, seed: Environment.GetEnvironmentVariable("DIFFUSIONDSL_PROPERTY_SEED"), print: model => model.Text);
        Assert.True(index >= 20, $"only {index} of 80 random models were accepted");
        var manifestPath = Path.Combine(folder, "MANIFEST");
        File.WriteAllText(manifestPath, manifest.ToString());
        var lines = PythonWithTorch.Run(new[] { Path.Combine(AppContext.BaseDirectory, "PyTorch", "run_exports.py"), manifestPath }, TimeSpan.FromMinutes(4))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith(folder)).ToList();
        _output.WriteLine($"{lines.Count} exported random models built and ran");
        Assert.Equal(index, lines.Count);
        Assert.All(lines, line => Assert.EndsWith(" ok", line));
    }

    [Theory]
    [InlineData("Cifar10Multistage", "Cifar10Multistage", "cifar10_multistage")]
    [InlineData("GroupNorm", "GroupNorm_", "group_norm")]        // a class of the mechanics
    [InlineData("ENCODER", "ENCODER_", "encoder")]              // a constant of the model's own section
    [InlineData("F", "F_", "f")]                                // an import alias
    [InlineData("Time", "Time", "time_model")]                  // train.py imports time
    [InlineData("Sample", "Sample", "sample_model")]            // the exported sample.py
    [InlineData("Numpy", "Numpy", "numpy_model")]               // imported inside a function
    [InlineData("Gettext", "Gettext", "gettext_model")]         // argparse imports it: the standard library is taken
    [InlineData("Sympy", "Sympy", "sympy_model")]               // torch imports it
    [InlineData("super", "super_", "super")]                    // a builtin the mechanics call (super().__init__)
    [InlineData("len", "len_", "len")]                          // a builtin, not a module
    [InlineData("ValueError", "ValueError_", "value_error")]    // a builtin exception
    public void NamesTheModuleBindsOrImportsAreNotTaken(string model, string className, string module)
    {
        Assert.Equal(className, PythonNames.Class(model));
        Assert.Equal(module, PythonNames.Module(model));
    }

    /// <summary>Every module of the standard library of the Python here is taken (the list is Python 3.11's).</summary>
    [Fact]
    public void EveryStandardLibraryModuleOfThisPythonIsTaken()
    {
        var (code, output) = PythonWithTorch.Run(PythonWithTorch.Path, new[] { "-c", "import sys; print('\\n'.join(sorted(sys.stdlib_module_names)))" }, TimeSpan.FromMinutes(1));
        Assert.Equal(0, code);
        var names = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(names.Length > 200, output);
        // A model named so that its module would be the library's (Gettext: gettext) gets another module name.
        var free = names.Where(name => !name.StartsWith('_') && PythonNames.Module(ToPascal(name)) == name).ToList();
        Assert.True(free.Count == 0, "not taken: " + string.Join(", ", free));
    }

    private static string ToPascal(string snake) => string.Concat(snake.Split('_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    [Fact]
    public void NamesThatPythonOrTheModuleUseStillExport()
    {
        // A model named like one of the module's own classes gets a trailing underscore; a stage named like an
        // nn.Module attribute ("training") still owns the "training.*" keys and leaves Module.training alone.
        const string text = "model Level {\n  image 1x8x8\n  diffusion vp predicts eps\n  stages {\n    state [0, 0.5)\n    training [0.5, 1]\n  }\n" +
                            "  encoder ddpmpp { width 8; mult [1, 2]; blocks 1 }\n  decoder state { width 8 }\n  decoder training { width 4 }\n}\n";
        var compilation = MsdCompiler.Compile(text);
        Assert.NotNull(compilation.Model);
        using var scratch = new ScratchFolder();
        var folder = scratch.Path;
        PyTorchExport.Write(compilation.Model!, "Level.msd", ModelHash.Of(compilation.Model!), folder);
        var script = $"import sys, torch; sys.path.insert(0, {Quote(folder)}); import level as m\n" +
                     "n = m.create_model(); keys = list(n.state_dict())\n" +
                     "y = n(torch.randn(2, 1, 8, 8), torch.tensor([0.2, 0.8], dtype=torch.float64))\n" +
                     "print(type(n).__name__, n.training, sum(k.startswith('training.dec.') for k in keys) > 0, list(y.shape))";
        var printed = PythonWithTorch.Run(new[] { "-c", script }, TimeSpan.FromMinutes(2)).Trim();
        Assert.Equal("Level_ True True [2, 1, 8, 8]", printed);
    }

    private static string Quote(string text) => "'" + text.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    /// <summary>Exports Models/NAME.msd with `msd export pytorch`'s backend; returns the module name.</summary>
    internal static string Export(string name, string folder) =>
        ExportText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", name + ".msd")), name, folder);

    internal static string ExportText(string text, string name, string folder)
    {
        var compilation = MsdCompiler.Compile(text);
        Assert.NotNull(compilation.Model);
        PyTorchExport.Write(compilation.Model!, name + ".msd", ModelHash.Of(compilation.Model!), folder);
        return PythonNames.Module(compilation.Model!.Name);
    }

    private static void Randomise(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var (_, parameter) in model.named_parameters()) parameter.copy_(randn_like(parameter) * 0.3);
    }

    /// <summary>Per stage: three times (its start, its middle, the last time before its end), each stage alone and all mixed.</summary>
    private static List<KeyValuePair<string, (Tensor X, Tensor T, Tensor Eps, Tensor? Labels)>> Cases(MultistageUNet model, MsdModelInfo info)
    {
        var stageTimes = model.Stages.Stages.Select((s, k) =>
        {
            double start = Math.Max(s.Start, Math.Max(model.Schedule.MinTime, 1e-3));
            double top = k == model.Stages.Count - 1 ? s.End : Math.BitDecrement(s.End);
            return new[] { start, (start + s.End) / 2, top };
        }).ToList();
        var cases = new List<KeyValuePair<string, (Tensor, Tensor, Tensor, Tensor?)>>();
        void Add(string key, double[] times)
        {
            var t = tensor(times, dtype: ScalarType.Float64);
            var x = randn(times.Length, info.ImageChannels, info.ImageSize, info.ImageSize);
            var eps = randn(times.Length, info.ImageChannels, info.ImageSize, info.ImageSize);
            var labels = model.AugmentDim > 0 ? randn(times.Length, model.AugmentDim) : null;
            cases.Add(new(key, (x, t, eps, labels)));
        }
        for (int k = 0; k < stageTimes.Count; k++) Add($"stage{k}", stageTimes[k]);
        var all = stageTimes.SelectMany(t => t).ToArray();
        Add("mixed", all.Where((_, i) => i % 2 == 1).Concat(all.Where((_, i) => i % 2 == 0)).ToArray());
        return cases;
    }

    private static IEnumerable<KeyValuePair<string, Tensor>> Inputs(string key, (Tensor X, Tensor T, Tensor Eps, Tensor? Labels) c)
    {
        yield return new($"{key}.x", c.X);
        yield return new($"{key}.t", c.T);
        yield return new($"{key}.eps", c.Eps);
        if (c.Labels is not null) yield return new($"{key}.labels", c.Labels);
    }
}
