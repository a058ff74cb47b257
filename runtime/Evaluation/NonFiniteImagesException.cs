using System;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>Images to score hold NaN or infinite values, as a diverged model's samples do: no metric is defined on them.</summary>
public sealed class NonFiniteImagesException : ArgumentException
{
    public long NonFiniteValues { get; }

    public NonFiniteImagesException(long nonFiniteValues, string parameter)
        : base($"{nonFiniteValues:N0} of the images' values are not finite (NaN or infinite), as a diverged model's samples are: " +
               "they cannot be scored.", parameter) => NonFiniteValues = nonFiniteValues;
}
