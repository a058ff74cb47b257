using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace PaperComparisons;

/// <summary>One table's FD curves: FD against training GFLOPs, the seed mean as a line and each seed as faint points.</summary>
public static class StudyPlot
{
    private static readonly ScottPlot.Color[] Palette = { ScottPlot.Colors.SteelBlue, ScottPlot.Colors.OrangeRed, ScottPlot.Colors.SeaGreen };

    public static void SavePng(IReadOnlyList<StudyModel> models, List<StudyPoint> points, int count, string path, string title)
    {
        var plot = new ScottPlot.Plot();
        for (int i = 0; i < models.Count; i++)
        {
            var color = Palette[i % Palette.Length];
            var mine = points.Where(p => p.Model == models[i].Key && p.Count == count).OrderBy(p => p.Step).ToList();
            foreach (var seed in mine.GroupBy(p => p.Seed))
            {
                var dots = plot.Add.ScatterPoints(seed.Select(p => p.TrainGFlops).ToArray(), seed.Select(p => p.Fd).ToArray());
                dots.Color = color.WithAlpha(0.45);
                dots.MarkerSize = 6;
            }
            var mean = mine.GroupBy(p => p.Step).Select(g => (G: g.Average(p => p.TrainGFlops), F: g.Average(p => p.Fd))).ToList();
            if (mean.Count == 0) continue;
            var line = plot.Add.Scatter(mean.Select(m => m.G).ToArray(), mean.Select(m => m.F).ToArray());
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 7;
            line.LegendText = models[i].Label;
        }
        plot.Title(title);
        plot.XLabel("training GFLOPs (forward + backward)");
        plot.YLabel($"FD of {count:N0} EMA samples (lower is better)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 560);
    }
}
