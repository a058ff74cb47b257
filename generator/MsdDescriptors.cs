using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Ids = DiffusionDsl.Language.Diagnostics.DiagnosticIds;

namespace DiffusionDsl.Generator;

/// <summary>
/// One descriptor per .msd diagnostic ID (README.md, "Diagnostics"): a title and a description for the IDE,
/// a category per part of the language, a default severity, and a help link. The message is the compiler's own.
/// </summary>
public static class MsdDescriptors
{
    public const string HelpLink = "https://github.com/diffusiondsl/diffusiondsl/blob/main/README.md#diagnostics";

    public const string SyntaxCategory = "DiffusionDsl.Syntax";
    public const string NamingCategory = "DiffusionDsl.Naming";
    public const string StagesCategory = "DiffusionDsl.Stages";
    public const string ArchitectureCategory = "DiffusionDsl.Architecture";
    public const string SettingsCategory = "DiffusionDsl.Settings";
    public const string DesignCategory = "DiffusionDsl.Design";
    public const string CompilerCategory = "DiffusionDsl.Compiler";

    public static readonly DiagnosticDescriptor SyntaxError = Error(Ids.SyntaxError, "Syntax error", SyntaxCategory,
        "The .msd file does not parse; the message says what was expected.");
    public static readonly DiagnosticDescriptor UnknownKeyword = Error(Ids.UnknownKeyword, "Unknown keyword", SyntaxCategory,
        "An unknown keyword or schedule parameter; the message suggests the nearest known one.");
    public static readonly DiagnosticDescriptor MissingSetting = Error(Ids.MissingSetting, "Missing setting", SyntaxCategory,
        "A required setting is missing.");
    public static readonly DiagnosticDescriptor DuplicateSetting = Error(Ids.DuplicateSetting, "Duplicate setting", SyntaxCategory,
        "A setting is given more than once.");
    public static readonly DiagnosticDescriptor WrongValue = Error(Ids.WrongValue, "Wrong value", SyntaxCategory,
        "A value of the wrong kind or count.");
    public static readonly DiagnosticDescriptor UnknownOption = Error(Ids.UnknownOption, "Unknown option", SyntaxCategory,
        "An unknown option value (schedule, solver, policy, ...); the message suggests the nearest known one.");
    public static readonly DiagnosticDescriptor LimitExceeded = Error(Ids.LimitExceeded, "Compiler limit exceeded", SyntaxCategory,
        "The file exceeds one of the compiler's limits: its size, how deeply brackets nest, the number of stages, or the number of diagnostics reported (then a warning when every one left out is a warning).");

    public static readonly DiagnosticDescriptor InvalidName = Error(Ids.InvalidName, "Invalid name", NamingCategory,
        "A name is not a valid C# identifier or namespace, or is a C# keyword.");
    public static readonly DiagnosticDescriptor DuplicateStage = Error(Ids.DuplicateStage, "Duplicate stage", NamingCategory,
        "Two stages have the same name.");
    public static readonly DiagnosticDescriptor NameCollision = Error(Ids.NameCollision, "Name collision", NamingCategory,
        "A stage's C# name collides with another stage's or with a member the generated model already has.");

    public static readonly DiagnosticDescriptor BoundaryOutOfRange = Error(Ids.BoundaryOutOfRange, "Stage boundary out of range", StagesCategory,
        "A stage boundary lies outside [0, 1] in t, or outside [sigma_min, sigma_max] in sigma.");
    public static readonly DiagnosticDescriptor BoundariesNotIncreasing = Error(Ids.BoundariesNotIncreasing, "Stage ends before it starts", StagesCategory,
        "A stage's end is not above its start.");
    public static readonly DiagnosticDescriptor StagesNotContiguous = Error(Ids.StagesNotContiguous, "Stages not contiguous", StagesCategory,
        "A stage does not start where the previous one ends: the stages leave a gap or overlap.");
    public static readonly DiagnosticDescriptor StagesDoNotCover = Error(Ids.StagesDoNotCover, "Stages do not cover the interval", StagesCategory,
        "The stages do not cover the whole of diffusion time.");
    public static readonly DiagnosticDescriptor StageWithoutDecoder = Error(Ids.StageWithoutDecoder, "Stage without decoder", StagesCategory,
        "A stage has no decoder.");
    public static readonly DiagnosticDescriptor DecoderForUnknownStage = Error(Ids.DecoderForUnknownStage, "Decoder for unknown stage", StagesCategory,
        "A decoder names a stage that is not declared.");
    public static readonly DiagnosticDescriptor DuplicateDecoder = Error(Ids.DuplicateDecoder, "Duplicate decoder", StagesCategory,
        "A stage has two decoders.");
    public static readonly DiagnosticDescriptor SigmaUnitUnsupported = Error(Ids.SigmaUnitUnsupported, "Stages in sigma need a closed-form sigma", StagesCategory,
        "Stages are written in sigma with a schedule that has no closed-form sigma.");

    public static readonly DiagnosticDescriptor ImageNotDivisible = Error(Ids.ImageNotDivisible, "Image size and levels disagree", ArchitectureCategory,
        "The image is not square, its size does not divide by the total downsampling, or a level has the wrong resolution.");
    public static readonly DiagnosticDescriptor SkipMismatch = Error(Ids.SkipMismatch, "Skip connections do not match", ArchitectureCategory,
        "A decoder does not consume exactly the encoder's skip connections, level by level.");
    public static readonly DiagnosticDescriptor AttentionResolutionMissing = Error(Ids.AttentionResolutionMissing, "Attention at a missing resolution", ArchitectureCategory,
        "Attention is placed at a resolution the network does not have.");
    public static readonly DiagnosticDescriptor WidthNotDivisibleByGroups = Error(Ids.WidthNotDivisibleByGroups, "Width not divisible by groups", ArchitectureCategory,
        "A width is not divisible by its GroupNorm groups.");
    public static readonly DiagnosticDescriptor HeadsDoNotDivideWidth = Error(Ids.HeadsDoNotDivideWidth, "Attention heads do not divide width", ArchitectureCategory,
        "The attention heads do not divide a width they attend over.");
    public static readonly DiagnosticDescriptor NotPositive = Error(Ids.NotPositive, "Not positive", ArchitectureCategory,
        "A width, count or image size is not positive.");

    public static readonly DiagnosticDescriptor ValueOutOfRange = Error(Ids.ValueOutOfRange, "Value out of range", SettingsCategory,
        "A value is outside its range (dropout in [0, 1), EMA in (0, 1), learning rate above 0, ...).");
    public static readonly DiagnosticDescriptor IncompatibleSettings = Error(Ids.IncompatibleSettings, "Incompatible settings", SettingsCategory,
        "Settings that do not go together, such as 'predicts edm' without the edm schedule, or train 'augment p' without the encoder's 'augment 9'.");

    public static readonly DiagnosticDescriptor WiderDecoderNearNoise = Warning(Ids.WiderDecoderNearNoise, "Decoder wider near the noise", DesignCategory,
        "A decoder nearer the noise is wider than one nearer the data; the paper found wide decoders pay near the data.");
    public static readonly DiagnosticDescriptor AugmentLabelsUnused = Warning(Ids.AugmentLabelsUnused, "Augmentation labels never fed", DesignCategory,
        "The encoder has an augmentation-label input ('augment N') but the train section sets no augmentation probability ('augment p'), so the input only ever sees zeros.");

    public static readonly DiagnosticDescriptor WarmupOutlastsRun = Warning(Ids.WarmupOutlastsRun, "Warm-up longer than the run", SettingsCategory,
        "The learning-rate warm-up ('warmup' steps, or 'warmup_kimg' thousand images at the batch) lasts longer than the train section's 'steps', so the rate never reaches 'lr'.");

    public static readonly DiagnosticDescriptor StageBracketsMisread = Warning(Ids.StageBracketsMisread, "Stage interval written closed or open where it is not", StagesCategory,
        "Stages are half-open intervals [start, end), the last one [start, 1]: an interval written with other brackets, such as (0, 0.5], is still read as [0, 0.5).");
    public static readonly DiagnosticDescriptor SettingUnused = Warning(Ids.SettingUnused, "Setting without effect", SettingsCategory,
        "A setting that nothing reads with the other settings given, such as the sample section's 'eta' with a solver other than ddim.");

    public static readonly DiagnosticDescriptor InternalError = Error(Ids.InternalError, "Internal compiler error", CompilerCategory,
        "A bug in DiffusionDsl; please report it with the .msd file.");

    /// <summary>Every descriptor, in ID order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(
        SyntaxError, UnknownKeyword, MissingSetting, DuplicateSetting, WrongValue, UnknownOption, LimitExceeded,
        InvalidName, DuplicateStage, NameCollision,
        BoundaryOutOfRange, BoundariesNotIncreasing, StagesNotContiguous, StagesDoNotCover, StageWithoutDecoder,
        DecoderForUnknownStage, DuplicateDecoder, SigmaUnitUnsupported,
        ImageNotDivisible, SkipMismatch, AttentionResolutionMissing, WidthNotDivisibleByGroups, HeadsDoNotDivideWidth, NotPositive,
        ValueOutOfRange, IncompatibleSettings,
        WiderDecoderNearNoise, AugmentLabelsUnused, WarmupOutlastsRun, StageBracketsMisread, SettingUnused,
        InternalError);

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = All.ToDictionary(d => d.Id);

    /// <summary>The descriptor of <paramref name="id"/>, or null for an ID this table does not know.</summary>
    public static DiagnosticDescriptor? Find(string id) => ById.TryGetValue(id, out var descriptor) ? descriptor : null;

    /// <summary>Warnings stay configurable: a project can silence one (NoWarn) or make it an error.</summary>
    private static DiagnosticDescriptor Warning(string id, string title, string category, string description) =>
        new(id, title, "{0}", category, DiagnosticSeverity.Warning, isEnabledByDefault: true, description: description, helpLinkUri: HelpLink);

    /// <summary>
    /// An error leaves no model, only stand-ins that throw (<see cref="StandInEmitter"/>), so .editorconfig may not lower
    /// it: a build that let it through would fail only when run.
    /// </summary>
    private static DiagnosticDescriptor Error(string id, string title, string category, string description) =>
        new(id, title, "{0}", category, DiagnosticSeverity.Error, isEnabledByDefault: true, description: description, helpLinkUri: HelpLink,
            customTags: WellKnownDiagnosticTags.NotConfigurable);
}
