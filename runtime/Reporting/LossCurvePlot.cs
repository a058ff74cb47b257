using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace DiffusionDsl.Runtime.Reporting;

/// <summary>The loss curve as a PNG (ScottPlot): raw per-step loss and its moving average, on a log scale.</summary>
public static class LossCurvePlot
{
    public static void SavePng(IReadOnlyList<(long Step, double Loss)> points, string path, int width = 800, int height = 450)
    {
        var finite = points.Where(p => double.IsFinite(p.Loss) && p.Loss > 0).ToList();
        if (finite.Count == 0) throw new ArgumentException("No finite positive losses to plot.", nameof(points));
        double[] steps = finite.Select(p => (double)p.Step).ToArray();
        double[] logLoss = finite.Select(p => Math.Log10(p.Loss)).ToArray();

        var plot = new ScottPlot.Plot();
        var raw = plot.Add.Scatter(steps, logLoss);
        raw.LegendText = "loss";
        raw.MarkerSize = 0;
        raw.LineWidth = 1;
        raw.Color = ScottPlot.Colors.SteelBlue.WithAlpha(0.45);
        var smooth = plot.Add.Scatter(steps, MovingAverage(logLoss, Math.Max(1, finite.Count / 50)));
        smooth.LegendText = "moving average";
        smooth.MarkerSize = 0;
        smooth.LineWidth = 2;
        smooth.Color = ScottPlot.Colors.DarkOrange;

        // Log-scale y: ScottPlot 5 plots log10 values and labels the ticks with powers of ten.
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = y => Math.Pow(10, y).ToString("G3"),
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = false,
        };
        plot.Title("Training loss");
        plot.XLabel("step");
        plot.YLabel("loss (log scale)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
    }

    private static double[] MovingAverage(double[] values, int window)
    {
        var result = new double[values.Length];
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }
}
