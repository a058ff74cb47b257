using System;
using System.Globalization;
using DiffusionDsl.Language.Emitting;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// Numbers in generated code, model hashes and messages are written by RoundTripNumber, which must give what .NET Core's
/// "R" gives here (the model hashes of models compiled before it stay as they were) without the host's formatting or
/// parsing, which differ on .NET Framework, where Visual Studio runs the generator: it computes the digits from the
/// double's bits alone, so these tests, run on .NET, hold for every host.
/// </summary>
public class RoundTripNumberTests
{
    [Theory]
    [InlineData(1.0 / 3)]
    [InlineData(0.1)]
    [InlineData(0.49146601180146694)] // a stage boundary converted from sigma
    [InlineData(1e15)]
    [InlineData(1e16)]
    [InlineData(1234567890123456.7)]
    [InlineData(123456789012345.0)]
    [InlineData(1e-5)]
    [InlineData(5e-324)]
    [InlineData(double.MaxValue)]
    [InlineData(-0.0)]
    [InlineData(-2.5103)]
    [InlineData(0.6467274404308307)] // .NET Framework's E15 writes ...308 (it rounds to 17 digits first)
    [InlineData(5.684341886080802E-14)] // 2^-44
    public void WritesWhatDotNetCoresRoundTripFormatWrites(double value) =>
        Assert.Equal(value.ToString("R", CultureInfo.InvariantCulture), RoundTripNumber.Format(value));

    /// <summary>
    /// At a power of two the gap below is half the gap above, so the shortest text that reads back can lie above the value
    /// while the nearest of its length lies below and does not (2^-44: 5.684341886080802E-14); and the smallest subnormals.
    /// Where .NET Core's own "R" does not read back (2^-958: 4.104536801298376E-289 parses to another double), the text
    /// here must, with no more digits than 17.
    /// </summary>
    [Fact]
    public void WritesWhatDotNetCoresRoundTripFormatWritesAtEveryPowerOfTwoAndBesideIt()
    {
        var coreMisses = new System.Collections.Generic.List<string>();
        for (int e = -1074; e <= 1023; e++)
        {
            double power = Math.Pow(2, e);
            foreach (var value in new[] { power, BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(power) + 1),
                                          BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(power) - 1) })
            {
                if (!(value > 0) || !double.IsFinite(value)) continue;
                string expected = value.ToString("R", CultureInfo.InvariantCulture), written = RoundTripNumber.Format(value);
                Assert.Equal(value, double.Parse(written, CultureInfo.InvariantCulture));
                if (double.Parse(expected, CultureInfo.InvariantCulture) == value)
                    Assert.True(expected == written, $"2^{e} neighbourhood: {expected} written as {written}");
                else
                    coreMisses.Add($"{expected} (ours {written})");
            }
        }
        Assert.True(coreMisses.Count < 20, string.Join("; ", coreMisses));
    }

    [Fact]
    public void WritesWhatDotNetCoresRoundTripFormatWritesForDoublesOfEveryMagnitude()
    {
        var random = new Random(7);
        var bits = new byte[8];
        for (int i = 0; i < 100_000; i++)
        {
            random.NextBytes(bits);
            double value = BitConverter.ToDouble(bits, 0);
            if (!double.IsFinite(value)) continue;
            string expected = value.ToString("R", CultureInfo.InvariantCulture), written = RoundTripNumber.Format(value);
            Assert.Equal(value, double.Parse(written, CultureInfo.InvariantCulture));
            Assert.True(expected == written || double.Parse(expected, CultureInfo.InvariantCulture) != value, $"{expected} written as {written}");
            // Numbers as .msd files hold them: a few digits at every scale.
            double typed = Math.Round(random.NextDouble() * 1000, random.Next(0, 8)) * Math.Pow(10, random.Next(-12, 12));
            Assert.Equal(typed.ToString("R", CultureInfo.InvariantCulture), RoundTripNumber.Format(typed));
        }
    }
}
