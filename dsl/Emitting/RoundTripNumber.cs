using System.Globalization;
using System.Text;

namespace DiffusionDsl.Language.Emitting;

/// <summary>
/// The shortest text that reads back as the same double, written as .NET Core's "R" writes it, on every host. The
/// compiler also runs inside Visual Studio on .NET Framework, whose "R" gives 17 digits where 15 do not round-trip
/// ("0.33333333333333331" for "0.3333333333333333") and is documented to fail to round-trip at times: a model hashed or
/// emitted there would differ from the `msd` tool's. The digits are the fewest whose correctly rounded form reads back
/// (E format); the layout is fixed-point for decimal exponents from -4 to 16, else d.dddE+XX.
/// </summary>
public static class RoundTripNumber
{
    public static string Format(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value)) return value.ToString(CultureInfo.InvariantCulture);
        if (value == 0) return 1 / value < 0 ? "-0" : "0";
        string scientific = value.ToString("E16", CultureInfo.InvariantCulture);
        for (int digits = 1; digits <= 17; digits++)
        {
            string candidate = value.ToString("E" + (digits - 1), CultureInfo.InvariantCulture);
            if (double.Parse(candidate, NumberStyles.Float, CultureInfo.InvariantCulture) == value) { scientific = candidate; break; }
        }
        return Layout(scientific);
    }

    /// <summary>"-d.dddE+XXX" laid out as .NET Core's "R" lays it out.</summary>
    private static string Layout(string scientific)
    {
        bool negative = scientific[0] == '-';
        int e = scientific.IndexOf('E');
        string digits = scientific.Substring(negative ? 1 : 0, e - (negative ? 1 : 0)).Replace(".", "").TrimEnd('0');
        int exponent = int.Parse(scientific.Substring(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
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
            text.Append('E').Append(exponent < 0 ? '-' : '+').Append(System.Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }
}
