using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace DiffusionDsl.Runtime.Reporting;

/// <summary>
/// fd.png, the companion of loss.png: the Fréchet distance of each quality evaluation against the training images seen
/// (left) and against the training GFLOPs (right; left out when the model has no cost table), with a log-scale FD
/// axis when every FD is positive.
/// </summary>
public static class QualityCurvePlot
{
    public static void SavePng(IReadOnlyList<QualityPoint> points, string path, int width = 1200, int height = 450)
    {
        var finite = points.Where(p => double.IsFinite(p.Report.FrechetDistance)).ToList();
        if (finite.Count == 0) throw new ArgumentException("No finite Fréchet distances to plot.", nameof(points));
        bool logScale = finite.All(p => p.Report.FrechetDistance > 0);
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
                LabelFormatter = v => Math.Pow(10, v).ToString("G3"),
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = false,
            };
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => v.ToString("G4") };
        if (title.Length > 0) plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logScale ? "FD (log scale)" : "FD");
        return plot;
    }
}
