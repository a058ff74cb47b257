using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using CsCheck;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Runtime.Networks;
using DiffusionDsl.Runtime.Staging;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DiffusionDsl.Generator.Tests;

/// <summary>
/// Property: every model the checker accepts builds and runs. CsCheck generates random models (images, schedules,
/// stages in t and in sigma, the ddpmpp, ncsnpp and adm encoder families, compact and full-form encoders and decoders,
/// attention and heads, every GroupNorm rule,
/// middle blocks on either side, embeddings, augmentation, train and sample settings, names the generated code also
/// uses). Each goes through the generator driver into a real compilation, which must have no C# errors or warnings;
/// the assembly is loaded, the model built, TorchSharp's parameter count compared with the cost table's, and a batch
/// with two samples in every stage run forward and backward, each stage's samples through its own decoder.
/// <para>
/// Models the checker rejects are fine (many random ones break a GroupNorm or heads rule), provided it says why and
/// never with MSD0999. <c>DIFFUSIONDSL_PROPERTY_CASES</c> sets the number of models (default 100: about 18 s here, 400 about 40 s);
/// <c>DIFFUSIONDSL_PROPERTY_SEED</c> replays a failure with the seed CsCheck printed.
/// </para>
/// </summary>
public class RandomModelTests
{
    private readonly ITestOutputHelper _output;

    public RandomModelTests(ITestOutputHelper output) => _output = output;

    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("DIFFUSIONDSL_PROPERTY_CASES"), out var n) && n > 0 ? n : 100;

    [Fact]
    public void EveryModelTheCheckerAcceptsCompilesCountsItsParametersAndRuns()
    {
        int accepted = 0, rejected = 0;
        var reasons = new Dictionary<string, int>();
        RandomModel.Models.Sample(model =>
        {
            if (Check(model, out var rejection)) Interlocked.Increment(ref accepted);
            else
            {
                Interlocked.Increment(ref rejected);
                lock (reasons) reasons[rejection!] = reasons.TryGetValue(rejection!, out var c) ? c + 1 : 1;
            }
        }, writeLine: _output.WriteLine, seed: Environment.GetEnvironmentVariable("DIFFUSIONDSL_PROPERTY_SEED"), iter: Cases, threads: 1,
           print: model => model.Text);
        _output.WriteLine($"{accepted} accepted, {rejected} rejected ({string.Join(", ", reasons.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value}"))})");
        Assert.True(accepted >= Math.Max(1, Cases / 3), $"only {accepted} of {Cases} random models were accepted: the generator should aim at valid models");
    }

    /// <summary>True when the model was accepted and passed; false (with the first diagnostic's ID) when the checker rejected it.</summary>
    private static bool Check(RandomModel model, out string? rejection)
    {
        var (output, diagnostics) = GeneratorHarness.Run((model.Path, model.Text));
        Assert.DoesNotContain(diagnostics, d => d.Id == "MSD0999");
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            // A file with errors emits stand-ins, which compile whatever the model's name and namespace.
            var standInErrors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(standInErrors.Count == 0, "the stand-ins do not compile:\n" + string.Join("\n", standInErrors.Take(10)));
            rejection = errors[0].Id;
            return false;
        }
        rejection = null;

        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, "the generated code does not compile cleanly:\n" + string.Join("\n", problems.Take(10)));
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Take(10)));
        var assembly = Assembly.Load(image.ToArray());
        var type = assembly.GetType(model.TypeName, throwOnError: true)!;

        using var scope = NewDisposeScope();
        using var network = (MultistageUNet)Activator.CreateInstance(type)!;
        var cost = (ModelCostTable)type.GetProperty("Cost", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var table = (StageTable)type.GetProperty("Table", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var encoder = (nn.Module)type.GetProperty("Encoder")!.GetValue(network)!;
        Assert.Equal(cost.TotalParameters, network.parameters().Sum(p => p.numel()));
        Assert.Equal(cost.SharedParameters, encoder.parameters().Sum(p => p.numel()));
        for (int i = 0; i < network.Decoders.Count; i++)
            Assert.Equal(cost.Stages[i].DecoderParameters, network.Decoders[i].parameters().Sum(p => p.numel()));

        // Two samples in every stage, at a quarter and three quarters of its interval of t (float64, so narrow stages are hit).
        var times = table.Stages.SelectMany(s => new[] { s.Start + 0.25 * (s.End - s.Start), s.Start + 0.75 * (s.End - s.Start) }).ToArray();
        Assert.All(times.Select((t, i) => (t, i)), p => Assert.Equal(p.i / 2, table.StageOf(p.t)));
        var x = randn(new long[] { times.Length, model.Channels, model.Size, model.Size }, generator: new torch.Generator(1)); // not the global generator other tests use
        // ADM starts its output conv and every residual branch's last conv at zero (zero_module): at its initial weights
        // the output is 0 whatever the rest computes, and only the output convs get a gradient. Small random weights
        // everywhere let the backward pass show that every part is reached.
        if (model.Text.Contains("encoder adm", StringComparison.Ordinal))
            using (no_grad())
                foreach (var parameter in network.parameters()) parameter.copy_(randn(parameter.shape, generator: new torch.Generator(2)) * 0.1);
        var before = network.Decoders.Select(d => d.SamplesSeen).ToArray();
        network.train();
        var prediction = network.forward(x, tensor(times, dtype: ScalarType.Float64));
        Assert.Equal(x.shape, prediction.shape);
        Assert.True(prediction.isfinite().all().item<bool>(), "the prediction is not finite");
        Assert.Equal(Enumerable.Repeat(2L, network.Decoders.Count), network.Decoders.Select((d, i) => d.SamplesSeen - before[i]));
        prediction.square().mean().backward();
        foreach (var part in new[] { encoder }.Concat(network.Decoders))
            Assert.Contains(part.parameters(), p => p.grad is not null && p.grad.abs().sum().item<float>() > 0);
        return true;
    }
}

/// <summary>A random .msd model and what the test needs to know about it.</summary>
public sealed record RandomModel(string Text, string TypeName, int Channels, int Size)
{
    public string Path => "/random/" + TypeName.Split('.').Last() + ".msd";

    private static readonly int[] Widths = { 4, 6, 8, 10, 12, 16, 20, 24, 32 };
    private static readonly string[] Names = { "RandomModel", "Level", "Sampler", "Train", "Defaults", "Trainer", "Model", "TrainOptions" };
    private static readonly string[] Namespaces = { "Random.Models", "Users.System", "Users.TorchSharp" };
    private static readonly string[] Solvers = { "ddpm", "ddim", "dpm_solver2", "dpm_solver3", "dpm_solver_pp2m", "heun", "euler" };

    private sealed record Schedule(string Text, ScheduleSpec Spec, string[] Predictions);

    private static readonly Schedule[] Schedules =
    {
        new("vp(beta_min = 0.1, beta_max = 20)", new ScheduleSpec(ScheduleKind.Vp, BetaMin: 0.1, BetaMax: 20), new[] { "eps", "x0", "v" }),
        new("cosine(s = 0.008)", new ScheduleSpec(ScheduleKind.Cosine, CosineOffset: 0.008), new[] { "eps", "x0", "v" }),
        new("ddpm(beta_start = 0.0001, beta_end = 0.02, steps = 1000)", new ScheduleSpec(ScheduleKind.Ddpm, BetaStart: 0.0001, BetaEnd: 0.02, Steps: 1000), new[] { "eps", "x0", "v" }),
        new("edm(sigma_min = 0.002, sigma_max = 80, rho = 7)", new ScheduleSpec(ScheduleKind.Edm, SigmaMin: 0.002, SigmaMax: 80, Rho: 7), new[] { "edm" }),
    };

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Widths a random level takes: mostly from <see cref="Widths"/>, which keeps many models valid.</summary>
    private static Gen<int> Width => Gen.OneOf(Widths);

    private static Gen<string> Stages(int count, Schedule schedule) =>
        from cuts in Gen.Int[1, 19].HashSet[count - 1]
        from inSigma in Gen.Bool
        select StageText(cuts.OrderBy(c => c).Select(c => c / 20.0).ToArray(), schedule, inSigma && schedule.Spec.SupportsSigmaUnit);

    private static string StageText(double[] cuts, Schedule schedule, bool inSigma)
    {
        var bounds = new[] { 0.0 }.Concat(cuts).Concat(new[] { 1.0 }).Select(t => inSigma ? schedule.Spec.Sigma(t) : t).ToArray();
        var text = new StringBuilder(inSigma ? "  stages in sigma {\n" : "  stages {\n");
        for (int i = 0; i + 1 < bounds.Length; i++)
            text.Append($"    s{i} [{R(bounds[i])}, {R(bounds[i + 1])}{(i + 2 == bounds.Length ? "]" : ")")}\n");
        return text.Append("  }\n").ToString();
    }

    private static Gen<string> Groups => Gen.Frequency(
        (3, Gen.Const("")),
        (1, Gen.OneOf(1, 2, 4).Select(g => $"    groups {g}\n")),
        (2, Gen.OneOf(1, 2, 4, 8, 16).Select(m => $"    groups max {m}\n")));

    private static Gen<string> Embedding => Gen.Frequency(
        (3, Gen.Const("")),
        (1, Gen.OneOf("positional", "fourier").Select(kind => $"    embedding {kind}\n")),
        (1, Gen.Select(Gen.OneOf("positional", "fourier"), Gen.OneOf(16, 32), (kind, width) => $"    embedding {kind} {width}\n")));

    private sealed record Encoder(string Text, int[] Resolutions, int Blocks, bool FreeWidths);

    private static Gen<Encoder> Encoders(int size) =>
        from levels in Gen.Int[1, size == 8 ? 2 : 3]
        from width in Width
        from blocks in Gen.Int[1, 2]
        from fullForm in Gen.Bool
        from freeWidths in Gen.Bool
        from mults in Gen.Int[1, 3].Array[levels]
        from levelWidths in Width.Array[levels]
        from attention in Gen.Bool.Array[levels]
        from heads in Gen.Frequency((3, Gen.Const(1)), (1, Gen.Const(2)))
        from groups in Groups
        from middle in Gen.OneOf("", "    middle encoder\n", "    middle decoder\n")
        from embedding in Embedding
        from dropout in Gen.OneOf("", "    dropout 0.1\n")
        from augment in Gen.Frequency((4, Gen.Const(false)), (1, Gen.Const(true)))
        from family in Gen.Frequency((3, Gen.Const("ddpmpp")), (1, Gen.Const("ncsnpp")), (1, Gen.Const("adm")))
        from admGroups in Gen.OneOf("    groups max 2\n", "    groups max 4\n", "    groups 2\n")
        // adm's GroupNorm32 and 32 channels per head need widths of 32 and more: its models name their groups (when the
        // draw left them to the family) and heads; it keeps its middle blocks in the encoder (`middle decoder` is refused).
        let adm = family == "adm"
        let familyGroups = adm && groups.Length == 0 ? admGroups : groups
        let familyMiddle = adm && middle.Contains("decoder") ? "" : middle
        select EncoderText(family, size, width, blocks, fullForm, freeWidths, mults, levelWidths, attention, heads,
                           familyGroups + familyMiddle + embedding + dropout + (augment ? "    augment 9\n" : ""), namesHeads: adm);

    private static Encoder EncoderText(string family, int size, int width, int blocks, bool fullForm, bool freeWidths, int[] mults, int[] levelWidths, bool[] attention, int heads, string extra,
                                       bool namesHeads = false)
    {
        var resolutions = Enumerable.Range(0, mults.Length).Select(i => size >> i).ToArray();
        // adm attends in its middle blocks whatever the levels do, with 32 channels per head unless the model names its
        // heads, which it does on an `attention at` line: such a model attends at its deepest level at least.
        if (namesHeads && !attention.Any()) attention = attention.Select((a, i) => i == attention.Length - 1).ToArray();
        var attends = resolutions.Where((_, i) => attention[i]).ToArray();
        var text = new StringBuilder($"  encoder {family} {{\n    width {width}\n    blocks {blocks}\n");
        // Full form: a level's width is the stem's times its multiplier (which compact decoders need to scale it)
        // or, with free widths, any width (then every decoder is written in full too).
        if (fullForm)
            for (int i = 0; i < resolutions.Length; i++)
                text.Append($"    level {resolutions[i]} {{ width {(freeWidths ? levelWidths[i] : width * mults[i])}{(attention[i] ? "  attention" : "")} }}\n");
        else
        {
            text.Append($"    mult [{string.Join(", ", mults)}]\n");
            if (attends.Length > 0) text.Append($"    attention at [{string.Join(", ", attends)}]{(heads > 1 || namesHeads ? $" heads {heads}" : "")}\n");
        }
        // The heads of a full-form model go on an `attention at` line, which adds its levels to the attending ones.
        if (fullForm && (heads > 1 || namesHeads))
            text.Append($"    attention at [{string.Join(", ", attends.Length > 0 ? attends : resolutions)}] heads {heads}\n");
        return new Encoder(text.Append(extra).Append("  }\n").ToString(), resolutions, blocks, fullForm && freeWidths);
    }

    private static Gen<string> Decoder(string stage, Encoder encoder) => Gen.Frequency(
        (encoder.FreeWidths ? 0 : 3, Width.Select(w => $"  decoder {stage} {{ width {w} }}\n")),
        (encoder.FreeWidths ? 0 : 1, Width.Select(w => $"  decoder {stage} {{ width {w}  attention none }}\n")),
        (2, Width.Array[encoder.Resolutions.Length].Select(widths =>
            $"  decoder {stage} {{\n" + string.Concat(encoder.Resolutions.Reverse().Select((r, i) => $"    level {r} {{ width {widths[i]} }}\n")) + "  }\n")));

    /// <summary>The train section; `augment p` when the encoder has `augment 9` (and now and then when it has not, which MSD0041 rejects).</summary>
    private static Gen<string> Train(int stages, bool labels) =>
        from sampling in Gen.OneOf("uniform", "proportional", "mixed")
        from weights in Gen.Frequency((2, Gen.Const("")), (1, Gen.Int[1, 3].Array[stages].Select(w => $"; stage_weights [{string.Join(", ", w)}]")))
        from augment in Gen.Frequency((labels ? 2 : 12, Gen.Const("")), (1, Gen.Const("; augment 0.12")))
        select $"  train {{ batch 4; lr 1e-3; steps 10; stage_sampling {sampling}{weights}{augment} }}\n";

    public static readonly Gen<RandomModel> Models =
        from name in Gen.OneOf(Names)
        from ns in Gen.OneOf(Namespaces)
        from channels in Gen.Int[1, 3]
        from size in Gen.OneOf(8, 16)
        from schedule in Gen.OneOf(Schedules)
        from prediction in Gen.OneOf(schedule.Predictions)
        from stageCount in Gen.Int[1, 4]
        from stages in Stages(stageCount, schedule)
        from encoder in Encoders(size)
        from decoders in Enumerable.Range(0, stageCount).Select(i => Decoder($"s{i}", encoder)).Aggregate(Gen.Const(""), (all, next) => Gen.Select(all, next, (a, b) => a + b))
        from train in Train(stageCount, encoder.Text.Contains("augment 9"))
        from solver in Gen.OneOf(Solvers)
        select new RandomModel(
            $"model {name} {{\n  namespace {ns}\n  image {channels}x{size}x{size}\n  diffusion {schedule.Text} predicts {prediction}\n" +
            stages + encoder.Text + decoders + train + $"  sample {{ solver {solver}; steps 4; count 2 }}\n}}\n",
            ns + "." + name, channels, size);
}
