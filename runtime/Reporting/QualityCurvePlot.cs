using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace DiffusionDsl.Runtime.Reporting;

/// <summary>
/// fd.png, the companion of loss.png: the Fréchet distance of each quality evaluation against the training images seen
/// (left) and against the training GFLOPs (right; left out when the model has no cost table), with a log-scale FD
/// axis when the FDs span a decade or more.
/// </summary>
public static class QualityCurvePlot
{
    public static void SavePng(IReadOnlyList<QualityPoint> points, string path, int width = 1200, int height = 450)
    {
        var finite = points.Where(p => double.IsFinite(p.Report.FrechetDistance)).ToList();
        if (finite.Count == 0) throw new ArgumentException("No finite Fréchet distances to plot.", nameof(points));
        // Log scale once the FDs span a decade (early training drops fast); a narrower range reads better on a linear axis.
        bool logScale = finite.All(p => p.Report.FrechetDistance > 0)
                        && finite.Max(p => p.Report.FrechetDistance) >= 10 * finite.Min(p => p.Report.FrechetDistance);
        double[] fd = finite.Select(p => logScale ? Math.Log10(p.Report.FrechetDistance) : p.Report.FrechetDistance).ToArray();
        string space = finite[^1].Report.FeatureSpace;
        int count = finite[^1].Report.Count;

        var bySeen = Panel(finite.Select(p => (double)p.ImagesSeen).ToArray(), fd, logScale, "training images seen", $"FD of {count:N0} EMA samples ({space})");
        var withCost = finite.Where(p => p.TrainGFlops is double g && double.IsFinite(g)).ToList();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (withCost.Count == 0)
        {
            bySeen.SavePng(path, width / 2, height);
            return;
        }
        double[] fdWithCost = withCost.Select(p => logScale ? Math.Log10(p.Report.FrechetDistance) : p.Report.FrechetDistance).ToArray();
        var byCompute = Panel(withCost.Select(p => p.TrainGFlops!.Value).ToArray(), fdWithCost, logScale, "training GFLOPs (forward + backward)", "FD against training compute");
        var multiplot = new ScottPlot.Multiplot(bySeen) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        multiplot.AddPlot(byCompute);
        multiplot.SavePng(path, width, height);
    }

    /// <summary>Plain numbers with thousands separators (12,000 rather than 1.2E+04), three significant digits below 1,000.</summary>
    private static string Label(double value) =>
        Math.Abs(value) >= 1000 ? value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : value.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);

    private static ScottPlot.Plot Panel(double[] x, double[] y, bool logScale, string xLabel, string title)
    {
        var plot = new ScottPlot.Plot();
        var line = plot.Add.Scatter(x, y);
        line.LineWidth = 2;
        line.MarkerSize = 6;
        line.Color = ScottPlot.Colors.SteelBlue;
        if (logScale)
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                LabelFormatter = v => Label(Math.Pow(10, v)),
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = false,
            };
        else plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Label };
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Label };
        if (title.Length > 0) plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logScale ? "FD (log scale)" : "FD");
        return plot;
    }
}
