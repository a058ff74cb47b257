using System;
using System.Globalization;
using DiffusionDsl.Language.Emitting;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// Numbers in generated code, model hashes and messages are written by RoundTripNumber, which must give on every host what
/// .NET Core's "R" gives here: the model hashes of models compiled before it stay as they were.
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
    public void WritesWhatDotNetCoresRoundTripFormatWrites(double value) =>
        Assert.Equal(value.ToString("R", CultureInfo.InvariantCulture), RoundTripNumber.Format(value));

    [Fact]
    public void WritesWhatDotNetCoresRoundTripFormatWritesForDoublesOfEveryMagnitude()
    {
        var random = new Random(7);
        var bits = new byte[8];
        for (int i = 0; i < 200_000; i++)
        {
            random.NextBytes(bits);
            double value = BitConverter.ToDouble(bits, 0);
            if (!double.IsFinite(value)) continue;
            string expected = value.ToString("R", CultureInfo.InvariantCulture);
            Assert.True(expected == RoundTripNumber.Format(value), $"{expected} written as {RoundTripNumber.Format(value)}");
            // Numbers as .msd files hold them: a few digits at every scale.
            double written = Math.Round(random.NextDouble() * 1000, random.Next(0, 8)) * Math.Pow(10, random.Next(-12, 12));
            Assert.Equal(written.ToString("R", CultureInfo.InvariantCulture), RoundTripNumber.Format(written));
        }
    }
}
