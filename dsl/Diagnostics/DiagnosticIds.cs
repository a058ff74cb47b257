namespace DiffusionDsl.Language.Diagnostics;

/// <summary>Every diagnostic the .msd compiler reports. README.md lists them with examples.</summary>
public static class DiagnosticIds
{
    public const string SyntaxError = "MSD0001";
    public const string UnknownKeyword = "MSD0002";
    public const string MissingSetting = "MSD0003";
    public const string DuplicateSetting = "MSD0004";
    public const string WrongValue = "MSD0005";
    public const string UnknownOption = "MSD0006";
    public const string LimitExceeded = "MSD0007";

    public const string InvalidName = "MSD0010";
    public const string DuplicateStage = "MSD0011";
    public const string NameCollision = "MSD0012";

    public const string BoundaryOutOfRange = "MSD0020";
    public const string BoundariesNotIncreasing = "MSD0021";
    public const string StagesNotContiguous = "MSD0022";
    public const string StagesDoNotCover = "MSD0023";
    public const string StageWithoutDecoder = "MSD0024";
    public const string DecoderForUnknownStage = "MSD0025";
    public const string DuplicateDecoder = "MSD0026";
    public const string SigmaUnitUnsupported = "MSD0027";

    public const string ImageNotDivisible = "MSD0030";
    public const string SkipMismatch = "MSD0031";
    public const string AttentionResolutionMissing = "MSD0032";
    public const string WidthNotDivisibleByGroups = "MSD0033";
    public const string HeadsDoNotDivideWidth = "MSD0034";
    public const string NotPositive = "MSD0035";

    public const string ValueOutOfRange = "MSD0040";
    public const string IncompatibleSettings = "MSD0041";

    public const string WiderDecoderNearNoise = "MSD0050";
    public const string AugmentLabelsUnused = "MSD0051";
    public const string WarmupOutlastsRun = "MSD0052";
    public const string StageBracketsMisread = "MSD0053";
    public const string SettingUnused = "MSD0054";

    public const string InternalError = "MSD0999";
}
