using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace PaperComparisons;

/// <summary>The runner's command line, with the defaults the committed study used.</summary>
public sealed record StudyOptions(string Command, StudySettings Settings, IReadOnlyList<StudyModel> Models, int ShardIndex, int ShardCount,
    string Data, string Docs, int Threads, IReadOnlyList<StudyModel> LargeModels, string? Extend)
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
        T Number<T>(string key, string fallback) where T : IParsable<T>
        {
            string text = Get(key, fallback);
            return T.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : throw new ArgumentException($"--{key}: '{text}' is not a number.");
        }
        double budget = Number<double>("budget", "15000");
        int points = Number<int>("points", "3");
        int curve = Number<int>("curve-count", "1000");
        int final = Number<int>("final-count", "2000");
        var seeds = Get("seeds", "0,1").Split(',').Select(s => long.TryParse(s, CultureInfo.InvariantCulture, out var seed) ? seed
            : throw new ArgumentException($"--seeds: '{s}' is not a whole number.")).ToArray();
        var models = Get("models", string.Join(",", Study.Models.Select(m => m.Key))).Split(',').Select(Study.ByKey).ToList();
        string shardText = Get("shard", "0/1");
        var shard = shardText.Split('/');
        if (shard.Length != 2 || !int.TryParse(shard[0], out int shardIndex) || !int.TryParse(shard[1], out int shardCount) || shardCount < 1
            || shardIndex < 0 || shardIndex >= shardCount)
            throw new ArgumentException($"--shard: '{shardText}' is not i/n with 0 <= i < n.");
        string output = Get("out", "runs/comparisons");
        string data = Get("data", "/usr/share/datasets/fashion-mnist");
        string docs = Get("docs", "docs/comparisons");
        int threads = Number<int>("threads", "1");
        int sampleBatch = Number<int>("sample-batch", "100");
        int large = Number<int>("large-count", "10000");
        var largeModels = Get("large-models", string.Join(",", Study.Tables[0].Models.Select(m => m.Key))).Split(',').Select(Study.ByKey).ToList();
        string? extend = values.Remove("extend", out var earlier) ? earlier : null;
        if (values.Count > 0) throw new ArgumentException($"Unknown option(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}.");
        if (!(budget > 0) || points < 1 || curve < 6 || threads < 1 || sampleBatch < 1)
            throw new ArgumentException("--budget, --threads and --sample-batch must be positive, --points at least 1 and --curve-count at least 6 (density/coverage use 5 neighbours).");
        // Only run reads --extend; the others take it so that scripts/paper-comparisons.sh can pass one set of options to all.
        if (extend is not null && SameFolder(extend, output))
            throw new ArgumentException($"--extend names the study's own folder ({output}); it takes a smaller budget's study to go on from.");
        if (large < final) throw new ArgumentException($"--large-count {large} is below --final-count {final}.");
        if (curve > final) throw new ArgumentException($"--curve-count {curve} exceeds --final-count {final}.");
        return new StudyOptions(command, new StudySettings(budget, points, curve, final, seeds, output, sampleBatch, large), models,
            shardIndex, shardCount, data, docs, threads, largeModels, extend);
    }

    private static bool SameFolder(string a, string b) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)) == Path.TrimEndingDirectorySeparator(Path.GetFullPath(b));
}
