using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Language.Semantics;

/// <summary>
/// The train section's `augment p` (EDM's non-leaking augmentation) against the encoder's `augment N` input:
/// the pipeline produces EDM's 9 labels, so p &gt; 0 needs `augment 9`; an input that nothing feeds is a warning.
/// </summary>
internal static class AugmentationRules
{
    public const int LabelCount = 9;

    public static void Check(DiagnosticBag diagnostics, double probability, SourceSpan? probabilitySpan, int augmentDim,
                             SourceSpan? augmentDimSpan, SourceSpan modelSpan)
    {
        if (probability > 0 && augmentDim == 0)
            diagnostics.Error(DiagnosticIds.IncompatibleSettings, probabilitySpan ?? modelSpan,
                $"Augmentation tells the network how each image was augmented: add 'augment {LabelCount}' to the encoder " +
                "(the input for EDM's 9 augmentation labels), or remove the train section's 'augment'");
        else if (probability > 0 && augmentDim != LabelCount)
            diagnostics.Error(DiagnosticIds.IncompatibleSettings, augmentDimSpan ?? modelSpan,
                $"EDM's augmentation pipeline produces {LabelCount} labels: the encoder needs 'augment {LabelCount}', not 'augment {augmentDim}'");
        else if (probability == 0 && augmentDim > 0)
            diagnostics.Warning(DiagnosticIds.AugmentLabelsUnused, augmentDimSpan ?? modelSpan,
                $"The encoder's 'augment {augmentDim}' input only ever sees zeros: set the augmentation probability in the train " +
                "section (EDM's CIFAR-10 runs: train { augment 0.12 }), or drop 'augment' unless you need the weights to match EDM's");
    }
}
