using System;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace DiffusionDsl.Language.Emitting;

/// <summary>
/// The shortest text that reads back as the same double (of those, the nearest to it), laid out as .NET Core's "R" lays
/// it out, computed the same on every host. The compiler also runs inside Visual Studio on .NET Framework, whose "R" and
/// "E16" round twice (to 17 digits, then to 16) and whose double.Parse is not correctly rounded, so neither the host's
/// formatting nor a parse-back check may decide the digits: they come from exact integer arithmetic on the double's
/// bits and the interval of reals that round to it.
/// </summary>
public static class RoundTripNumber
{
    public static string Format(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value)) return value.ToString(CultureInfo.InvariantCulture);
        if (value == 0) return 1 / value < 0 ? "-0" : "0";
        var (digits, exponent) = ShortestDigits(Math.Abs(value));
        return Layout(value < 0, digits, exponent);
    }

    /// <summary>
    /// The fewest decimal digits d (an integer) with d x 10^q inside the rounding interval of <paramref name="value"/>,
    /// the nearest such d when several fit; returned with the decimal exponent of its first digit.
    /// </summary>
    private static (string Digits, int Exponent) ShortestDigits(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        int biased = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xFFFFFFFFFFFFFL;
        BigInteger mantissa = biased == 0 ? fraction : fraction | (1L << 52);
        int binaryExponent = biased == 0 ? -1074 : biased - 1075;
        // The interval of reals that read back as value: half the gap to each neighbour; the gap below is half as wide
        // at a power of two. Its ends round to even, so they belong to it when the mantissa is even.
        bool narrowBelow = fraction == 0 && biased > 1;
        bool endsIncluded = mantissa.IsEven;
        // Everything x 4 x 2^-binaryExponent (or x 4 x 2^binaryExponent in the numerators), so the ends are integers.
        BigInteger denominator, centre, above, below;
        if (binaryExponent < 0)
        {
            denominator = BigInteger.Pow(2, -binaryExponent) * 4;
            centre = mantissa * 4;
            above = centre + 2;
            below = centre - (narrowBelow ? 1 : 2);
        }
        else
        {
            denominator = 4;
            var unit = BigInteger.Pow(2, binaryExponent);
            centre = mantissa * unit * 4;
            above = centre + unit * 2;
            below = centre - (narrowBelow ? unit : unit * 2);
        }

        int leading = LeadingExponent(centre, denominator);
        for (int count = 1; count <= 17; count++)
        {
            int q = leading - count + 1;
            // Candidates d x 10^q: compare d x scale with the interval's numerators over scaleDenominator.
            BigInteger scale = q >= 0 ? BigInteger.Pow(10, q) * denominator : denominator;
            BigInteger lowNumerator = q >= 0 ? below : below * BigInteger.Pow(10, -q);
            BigInteger highNumerator = q >= 0 ? above : above * BigInteger.Pow(10, -q);
            BigInteger centreNumerator = q >= 0 ? centre : centre * BigInteger.Pow(10, -q);

            BigInteger lowest = BigInteger.DivRem(lowNumerator, scale, out var lowRest);
            if (lowRest > 0 || (lowRest == 0 && !endsIncluded)) lowest += 1;
            BigInteger highest = BigInteger.DivRem(highNumerator, scale, out var highRest);
            if (highRest == 0 && !endsIncluded) highest -= 1;
            if (lowest > highest) continue;

            // The nearest candidate to the value itself, ties to even.
            BigInteger nearest = BigInteger.DivRem(centreNumerator, scale, out var rest);
            BigInteger twice = rest * 2;
            if (twice > scale || (twice == scale && !nearest.IsEven)) nearest += 1;
            if (nearest < lowest) nearest = lowest;
            if (nearest > highest) nearest = highest;
            string digits = nearest.ToString(CultureInfo.InvariantCulture);
            return (digits.TrimEnd('0'), q + digits.Length - 1);
        }
        throw new InvalidOperationException("17 significant digits always identify a double.");
    }

    /// <summary>floor(log10(numerator / denominator)) for a positive ratio, exactly.</summary>
    private static int LeadingExponent(BigInteger numerator, BigInteger denominator)
    {
        int estimate = (int)Math.Floor(BigInteger.Log10(numerator) - BigInteger.Log10(denominator));
        while (AtLeastPowerOfTen(numerator, denominator, estimate + 1)) estimate++;
        while (!AtLeastPowerOfTen(numerator, denominator, estimate)) estimate--;
        return estimate;
    }

    private static bool AtLeastPowerOfTen(BigInteger numerator, BigInteger denominator, int exponent) =>
        exponent >= 0 ? numerator >= denominator * BigInteger.Pow(10, exponent) : numerator * BigInteger.Pow(10, -exponent) >= denominator;

    /// <summary>The digits d1 d2 ... with d1's decimal exponent, as .NET Core's "R": fixed-point for exponents -5 &lt; e &lt; 17, else d.dddE+XX.</summary>
    private static string Layout(bool negative, string digits, int exponent)
    {
        var text = new StringBuilder(negative ? "-" : "");
        if (exponent >= -4 && exponent < 17)
        {
            if (exponent < 0) text.Append("0.").Append('0', -exponent - 1).Append(digits);
            else if (digits.Length <= exponent + 1) text.Append(digits).Append('0', exponent + 1 - digits.Length);
            else text.Append(digits, 0, exponent + 1).Append('.').Append(digits, exponent + 1, digits.Length - exponent - 1);
        }
        else
        {
            text.Append(digits[0]);
            if (digits.Length > 1) text.Append('.').Append(digits, 1, digits.Length - 1);
            text.Append('E').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }
}
