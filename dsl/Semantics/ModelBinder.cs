using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;
using DiffusionDsl.Runtime.Diffusion;

namespace DiffusionDsl.Language.Semantics;

/// <summary>Binds the `model Name { ... }` statement into a <see cref="ModelSpec"/>.</summary>
internal sealed class ModelBinder
{
    private static readonly string[] ModelKeywords =
        { "namespace", "image", "diffusion", "stages", "encoder", "decoder", "train", "sample" };

    private readonly ValueReader _read;
    private DiagnosticBag Diagnostics => _read.Diagnostics;

    public ModelBinder(DiagnosticBag diagnostics) => _read = new ValueReader(diagnostics);

    public ModelSpec? Bind(MsdDocument document, string? defaultNamespace)
    {
        var top = new Section(document.Statements, "the file", Diagnostics, new[] { "model" }, blocks: new[] { "model" });
        var model = top.Get("model");
        if (model is null)
        {
            // `modle M { ... }` was reported as a misspelt `model`: that is the one error.
            if (top.Missing("model")) Diagnostics.Error(DiagnosticIds.MissingSetting, new SourceSpan(0, 0), "An .msd file declares one model: model Name { ... }");
            return null;
        }

        _read.NoMoreThan(model, 1);
        var name = _read.Name(_read.At(model, 0, "the model's name"), "the model's name");
        if (name is not null && CSharpNames.Problem(name) is { } problem)
        {
            Diagnostics.Error(DiagnosticIds.InvalidName, model.Values[0].Span,
                $"The model name {Display.Quote(name)} {problem}; rename the model");
            name = null;
        }
        else if (name is not null && GeneratedMembers.IsReservedModelName(name))
        {
            Diagnostics.Error(DiagnosticIds.NameCollision, model.Values[0].Span,
                $"The model name {Display.Quote(name)} is a member or type the generated model uses; rename the model");
            name = null;
        }
        if (model.Body is null)
        {
            Diagnostics.Error(DiagnosticIds.MissingSetting, model.Span, "The model needs a body: model Name { ... }");
            return null;
        }

        var section = new Section(model.Body, name is null ? "the model" : $"model {Display.Quote(name)}", Diagnostics, ModelKeywords, repeatable: new[] { "decoder" },
                                  blocks: new[] { "stages", "encoder", "decoder", "train", "sample" });
        var ns = BindNamespace(section.Get("namespace")) ?? DefaultNamespace(section.Get("namespace") is null ? defaultNamespace : null, model);
        if (name is not null && GeneratedMembers.ReferencedNameTakenBy(new ModelIdentity(name, ns)) is var (declared, referenced))
        {
            // A type System in the global namespace hides the namespace System, even from global::System; a model Runtime
            // in DiffusionDsl hides DiffusionDsl.Runtime the same way.
            string where = ns is null ? "in the global namespace" : $"in the namespace {ns}";
            Diagnostics.Error(DiagnosticIds.NameCollision, model.Values[0].Span,
                $"A model named {Display.Quote(name)} {where} would declare '{declared}', and the generated code needs that name for " +
                $"'{referenced}'; give it {(ns is null ? "a namespace (namespace My.Models)" : "another namespace")} or rename it");
            name = null;
        }
        var image = BindImage(Required(section, "image", model, "image 3x32x32"));
        var (schedule, prediction) = BindDiffusion(Required(section, "diffusion", model, "diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps"));
        var stagesStatement = Required(section, "stages", model, "stages { name [0, 1] }");
        var stageBinder = new StageBinder(_read);
        var stages = stageBinder.Bind(stagesStatement, schedule, name);
        var encoderBinder = new EncoderBinder(_read);
        var encoder = encoderBinder.Bind(Required(section, "encoder", model, "encoder ddpmpp { ... }"), image);
        var decoderBinder = new DecoderBinder(_read);
        var decoders = stages is null || encoder is null || image is null || name is null
            ? null
            : decoderBinder.Bind(section.All("decoder").ToList(), stages, encoder, image, name, model.KeywordSpan, stagesStatement,
                                 misspeltFor: section.TakenFor("decoder").Select(s => s.Values.FirstOrDefault() is NameValue stage ? stage.Name : null).ToList());
        if (stages is null || encoder is null || image is null || name is null) decoderBinder.CheckKeywords(section.All("decoder"));
        var settings = new SettingsBinder(_read);
        var train = settings.BindTrain(section.Get("train"), stages?.Count, schedule?.Kind);
        var sample = settings.BindSample(section.Get("sample"), schedule?.Kind);
        if (stages is not null && schedule is not null) stageBinder.CheckSamplingEnd(stages, schedule.Kind, settings.EndTime);
        if (train is not null && encoder is not null)
            AugmentationRules.Check(Diagnostics, train.Augment, settings.AugmentSpan, encoder.AugmentDim, encoderBinder.AugmentSpan, model.KeywordSpan);

        if (name is null || image is null || schedule is null || prediction is null || stages is null
            || encoder is null || decoders is null || train is null || sample is null || Diagnostics.HasErrors)
            return null;
        return new ModelSpec(name, ns, image, schedule, prediction.Value, stages.ToEquatableArray(), encoder,
            decoders.ToEquatableArray(), train, sample);
    }

    private MsdStatement? Required(Section section, string keyword, MsdStatement model, string example)
    {
        var statement = section.Get(keyword);
        if (section.Missing(keyword))
            Diagnostics.Error(DiagnosticIds.MissingSetting, model.KeywordSpan, $"The model is missing {Display.Quote(keyword)}, e.g. {example}");
        return statement;
    }

    /// <summary>
    /// The project's root namespace, for a model without a namespace line: checked as a written one is, since a root
    /// namespace such as TorchSharp.torch.Models would hide a type the generated code names as surely.
    /// </summary>
    private string? DefaultNamespace(string? rootNamespace, MsdStatement model)
    {
        rootNamespace = CSharpNames.SafeNamespace(rootNamespace);
        if (rootNamespace is null) return null;
        if (GeneratedMembers.TypeHiddenByNamespace(rootNamespace) is { } hidden)
        {
            Diagnostics.Error(DiagnosticIds.NameCollision, model.Values.Count > 0 ? model.Values[0].Span : model.KeywordSpan,
                $"The project's root namespace {Display.Quote(rootNamespace)}, where a model without a namespace line goes, would hide the type " +
                $"'{hidden}', which the generated code uses; give the model a namespace line (namespace My.Models)");
            return null;
        }
        return rootNamespace;
    }

    private string? BindNamespace(MsdStatement? statement)
    {
        if (statement is null) return null;
        _read.NoMoreThan(statement, 1);
        var value = _read.Name(_read.At(statement, 0, "a namespace such as Examples.Cifar"), "the namespace");
        if (value is null) return null;
        if (CSharpNames.NamespaceProblem(value) is { } problem)
        {
            Diagnostics.Error(DiagnosticIds.InvalidName, statement.Values[0].Span, $"The namespace {Display.Quote(value)} {problem}");
            return null;
        }
        if (GeneratedMembers.TypeHiddenByNamespace(value) is { } hidden)
        {
            Diagnostics.Error(DiagnosticIds.NameCollision, statement.Values[0].Span,
                $"The namespace {Display.Quote(value)} would hide the type '{hidden}', which the generated code uses; choose another namespace");
            return null;
        }
        return value;
    }

    private ImageShape? BindImage(MsdStatement? statement)
    {
        if (statement is null) return null;
        _read.NoMoreThan(statement, 1);
        var value = _read.At(statement, 0, "the image shape, channels x height x width, e.g. 3x32x32");
        if (value is null) return null;
        if (value is not DimensionsValue { Sizes.Count: 3 } dims)
        {
            Diagnostics.Error(DiagnosticIds.WrongValue, value.Span, $"The image shape is channels x height x width, e.g. 3x32x32, not {Display.Quote(value)}");
            return null;
        }
        if (dims.Sizes.Any(s => s < 1 || s > 4096))
        {
            // Below 1 a size is not positive; above 4096 it is out of range.
            Diagnostics.Error(dims.Sizes.Any(s => s < 1) ? DiagnosticIds.NotPositive : DiagnosticIds.ValueOutOfRange, value.Span,
                "Image channels, height and width must be between 1 and 4096");
            return null;
        }
        if (dims.Sizes[1] != dims.Sizes[2])
        {
            Diagnostics.Error(DiagnosticIds.ImageNotDivisible, value.Span, "The U-Net encoder (ddpmpp and ncsnpp alike) needs square images: make height equal width");
            return null;
        }
        return new ImageShape(dims.Sizes[0], dims.Sizes[1], dims.Sizes[2]);
    }

    private (ScheduleSpec?, PredictionTarget?) BindDiffusion(MsdStatement? statement)
    {
        if (statement is null) return (null, null);
        var schedule = new ScheduleBinder(_read).Bind(_read.At(statement, 0, "a schedule such as vp(beta_min = 0.1, beta_max = 20)"));
        // Without `predicts`, what the schedule's own papers train: EDM's preconditioned denoiser, else the noise.
        PredictionTarget? prediction = schedule?.Kind == ScheduleKind.Edm ? PredictionTarget.Edm : PredictionTarget.Eps;
        if (statement.Values.Count > 1)
        {
            if (_read.Option(statement.Values[1], "word after the schedule", new[] { "predicts" }) is null) return (schedule, null);
            var target = _read.Option(_read.At(statement, 2, "a prediction target: eps, x0, v or edm"), "prediction target", new[] { "eps", "x0", "v", "edm" });
            prediction = target switch { "eps" => PredictionTarget.Eps, "x0" => PredictionTarget.X0, "v" => PredictionTarget.V, "edm" => PredictionTarget.Edm, _ => null };
            _read.NoMoreThan(statement, 3);
        }
        if (schedule is not null && prediction is not null && (prediction == PredictionTarget.Edm) != (schedule.Kind == ScheduleKind.Edm))
        {
            // At the prediction target when it is written (the schedule is the other half, and both are on this line).
            Diagnostics.Error(DiagnosticIds.IncompatibleSettings, statement.Values.Count > 2 ? statement.Values[2].Span : statement.Span,
                "EDM preconditioning ('predicts edm') goes with the edm(...) schedule, and the edm schedule with 'predicts edm'");
            return (schedule, null);
        }
        return (schedule, prediction);
    }
}
