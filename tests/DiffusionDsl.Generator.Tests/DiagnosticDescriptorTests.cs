using System;
using System.Linq;
using System.Reflection;
using DiagnosticIds = DiffusionDsl.Language.Diagnostics.DiagnosticIds;
using Microsoft.CodeAnalysis;

namespace DiffusionDsl.Generator.Tests;

/// <summary>What an IDE shows about a diagnostic besides its message: title, category, help link.</summary>
public class DiagnosticDescriptorTests
{
    [Fact]
    public void AReportedDiagnosticCarriesItsIdsTitleCategoryAndHelpLink()
    {
        var text = GeneratorHarness.ReadModel("TinyMultistage.msd").Replace("dropout 0.1 ", "dropout 1.5 ");
        var (_, diagnostics) = GeneratorHarness.Run(("/project/Tiny.msd", text));
        var error = Assert.Single(diagnostics);
        Assert.Equal("MSD0040", error.Id);
        Assert.Equal("Value out of range", error.Descriptor.Title.ToString());
        Assert.Equal("DiffusionDsl.Settings", error.Descriptor.Category);
        Assert.StartsWith("https://", error.Descriptor.HelpLinkUri);
        Assert.Contains("dropout", error.GetMessage(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
    }

    [Fact]
    public void AWarningIsReportedWithItsOwnDescriptor()
    {
        // Decoders wider near the noise than near the data: MSD0050, a design warning; the code is still emitted.
        var text = GeneratorHarness.ReadModel("TinyMultistage.msd").Replace("decoder near_noise { width 4 }", "decoder near_noise { width 12 }");
        var (output, diagnostics) = GeneratorHarness.Run(("/project/Tiny.msd", text));
        var warning = Assert.Single(diagnostics);
        Assert.Equal("MSD0050", warning.Id);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Descriptor.DefaultSeverity);
        Assert.Equal("DiffusionDsl.Design", warning.Descriptor.Category);
        Assert.Single(output.SyntaxTrees); // the model is still generated
    }

    [Fact]
    public void AnAugmentationInputThatNothingFeedsIsAWarningAndTheModelIsStillGenerated()
    {
        var text = GeneratorHarness.ReadModel("TinyMultistage.msd").Replace("    blocks 1\n", "    blocks 1\n    augment 9\n");
        var (output, diagnostics) = GeneratorHarness.Run(("/project/Tiny.msd", text));
        var warning = Assert.Single(diagnostics);
        Assert.Equal("MSD0051", warning.Id);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(15, warning.Location.GetLineSpan().StartLinePosition.Line + 1);
        Assert.Single(output.SyntaxTrees);

        var (fed, none) = GeneratorHarness.Run(("/project/Tiny.msd", text.Replace("stage_sampling mixed }", "stage_sampling mixed; augment 0.12 }")));
        Assert.Empty(none);
        Assert.Contains("AugmentProbability = 0.12,", fed.SyntaxTrees.Single().ToString());
    }

    [Fact]
    public void EveryDiagnosticIdHasAStaticDescriptorWithTitleCategoryAndHelpLink()
    {
        var ids = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.True(ids.Count >= 27, $"only {ids.Count} IDs found");
        Assert.Equal(ids.OrderBy(id => id), MsdDescriptors.All.Select(d => d.Id).OrderBy(id => id));
        foreach (var id in ids)
        {
            var descriptor = MsdDescriptors.Find(id);
            Assert.True(descriptor is not null, $"{id} has no descriptor");
            Assert.Same(descriptor, MsdDescriptors.Find(id));
            Assert.Equal(id, descriptor!.Id);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString()), $"{id} has no title");
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()), $"{id} has no description");
            Assert.StartsWith("DiffusionDsl.", descriptor.Category);
            Assert.Equal(MsdDescriptors.HelpLink, descriptor.HelpLinkUri);
            Assert.Equal("{0}", descriptor.MessageFormat.ToString());
            Assert.True(descriptor.IsEnabledByDefault);
            bool warning = id is DiagnosticIds.WiderDecoderNearNoise or DiagnosticIds.AugmentLabelsUnused or DiagnosticIds.WarmupOutlastsRun
                or DiagnosticIds.StageBracketsMisread or DiagnosticIds.SettingUnused;
            Assert.Equal(warning ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, descriptor.DefaultSeverity);
        }
        Assert.Equal(ids.Count, MsdDescriptors.All.Select(d => d.Title.ToString()).Distinct().Count());
    }
}
