using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace PaperComparisons;

/// <summary>One quality measurement of one run: where training stood and what its EMA samples scored.</summary>
public sealed record StudyPoint(string Model, long Seed, long Step, long Steps, long ImagesSeen, double TrainGFlops, int Count, double Fd,
    double Precision, double Recall, double Density, double Coverage, double ClassEntropy, double TrainSeconds, double EvalSeconds)
{
    public const string Header = "model,seed,step,steps,images_seen,train_gflops,count,fd,precision,recall,density,coverage,class_entropy,train_s,eval_s";

    public string ToCsv() => string.Join(",", Model, Seed, Step, Steps, ImagesSeen, F(TrainGFlops), Count, F(Fd), F(Precision), F(Recall), F(Density),
        F(Coverage), F(ClassEntropy), F(TrainSeconds), F(EvalSeconds));

    public static StudyPoint Parse(string line)
    {
        var c = line.Split(',');
        if (c.Length != 15) throw new FormatException($"Expected 15 columns, found {c.Length}: {line}");
        return new StudyPoint(c[0], long.Parse(c[1], CultureInfo.InvariantCulture), long.Parse(c[2], CultureInfo.InvariantCulture),
            long.Parse(c[3], CultureInfo.InvariantCulture), long.Parse(c[4], CultureInfo.InvariantCulture), D(c[5]), int.Parse(c[6], CultureInfo.InvariantCulture),
            D(c[7]), D(c[8]), D(c[9]), D(c[10]), D(c[11]), D(c[12]), D(c[13]), D(c[14]));
    }

    /// <summary>The rows of a points.csv; a later row for the same (step, count) replaces an earlier one (a resumed run measured it again).</summary>
    public static List<StudyPoint> ReadAll(string path)
    {
        if (!File.Exists(path)) return new List<StudyPoint>();
        return File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(Parse)
            .GroupBy(p => (p.Step, p.Count)).Select(g => g.Last()).OrderBy(p => p.Step).ThenBy(p => p.Count).ToList();
    }

    public static void Append(string path, StudyPoint point)
    {
        bool fresh = !File.Exists(path);
        using var writer = new StreamWriter(path, append: true);
        if (fresh) writer.WriteLine(Header);
        writer.WriteLine(point.ToCsv());
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
