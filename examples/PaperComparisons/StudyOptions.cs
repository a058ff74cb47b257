using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace PaperComparisons;

/// <summary>The runner's command line, with the defaults the committed study used.</summary>
public sealed record StudyOptions(string Command, StudySettings Settings, IReadOnlyList<StudyModel> Models, int ShardIndex, int ShardCount,
    string Data, string Docs, int Threads)
{
    public static StudyOptions Parse(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "plan";
        var values = new Dictionary<string, string>();
        for (int i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"Expected --option value, found '{args[i]}'.");
            values[args[i][2..]] = args[++i];
        }
        string Get(string key, string fallback) => values.Remove(key, out var v) ? v : fallback;
        double budget = double.Parse(Get("budget", "15000"), CultureInfo.InvariantCulture);
        int points = int.Parse(Get("points", "3"), CultureInfo.InvariantCulture);
        int curve = int.Parse(Get("curve-count", "1000"), CultureInfo.InvariantCulture);
        int final = int.Parse(Get("final-count", "2000"), CultureInfo.InvariantCulture);
        var seeds = Get("seeds", "0,1").Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var models = Get("models", string.Join(",", Study.Models.Select(m => m.Key))).Split(',').Select(Study.ByKey).ToList();
        var shard = Get("shard", "0/1").Split('/');
        string output = Get("out", "runs/comparisons");
        string data = Get("data", "/usr/share/datasets/fashion-mnist");
        string docs = Get("docs", "docs/comparisons");
        int threads = int.Parse(Get("threads", "1"), CultureInfo.InvariantCulture);
        if (values.Count > 0) throw new ArgumentException($"Unknown option(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}.");
        if (curve > final) throw new ArgumentException($"--curve-count {curve} exceeds --final-count {final}.");
        return new StudyOptions(command, new StudySettings(budget, points, curve, final, seeds, output), models,
            int.Parse(shard[0], CultureInfo.InvariantCulture), int.Parse(shard[1], CultureInfo.InvariantCulture), data, docs, threads);
    }
}
