using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Evaluation;
using PaperComparisons;
using TorchSharp;

// The paper's comparisons on Fashion-MNIST at equal training compute (see README.md here):
//   plan                  each model's cost, and the steps the shared budget gives it
//   run [--shard i/n]     trains and measures the runs (resumable; finished runs are skipped)
//   score [--shard i/n]   scores the final checkpoints of Table 2's runs at --large-count samples (resumable)
//   report                tables and plots from the runs, into docs/comparisons
// Options: --budget GFLOPs, --points N, --curve-count N, --final-count N, --large-count N, --large-models a,b, --seeds 0,1,
//          --models a,b, --data PATH, --out runs/comparisons, --docs docs/comparisons, --threads N, --sample-batch N;
//          run --extend FOLDER: each run goes on from the finished run of a smaller budget's study in FOLDER.
// Tables, CSV and logs read the same on every machine.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
StudyOptions options;
try
{
    options = StudyOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or IndexOutOfRangeException)
{
    Console.Error.WriteLine($"{e.Message} Usage: plan | run [--shard i/n] | score [--shard i/n] | report, with --budget, --points, --curve-count, " +
                            "--final-count, --large-count, --large-models, --seeds, --models, --data, --out, --docs, --threads, --sample-batch, and run --extend FOLDER.");
    return 2;
}
var settings = options.Settings;
var models = options.Models;

switch (options.Command)
{
    case "plan":
        PrintPlan(settings, models);
        return 0;
    case "run" or "score":
    {
        PrintPlan(settings, models);
        torch.set_num_threads(options.Threads);
        string train = Path.Combine(options.Data, "train-images-idx3-ubyte.gz");
        if (!File.Exists(train))
        {
            Console.Error.WriteLine($"{train}: not found. Install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or pass --data FOLDER.");
            return 1;
        }
        var raw = DatasetLoader.ReadRaw(train, imageChannels: 1);
        using var features = FashionFeatureNetwork.LoadDefault();
        var reference = ReferenceSet.FashionMnistTest(features, options.Data);
        int failed = 0;
        bool scoring = options.Command == "score";
        var runs = (scoring ? options.LargeModels : models).SelectMany(m => settings.Seeds.Select(s => (Model: m, Seed: s))).ToList();
        for (int i = options.ShardIndex; i < runs.Count; i += options.ShardCount)
        {
            var (model, seed) = runs[i];
            if (!scoring && StudyRun.IsDone(settings.Folder(model, seed))) { Console.WriteLine($"{model.Key} seed {seed}: done earlier"); continue; }
            if (!scoring) Console.WriteLine($"{model.Key} seed {seed}: {settings.StepsFor(model):N0} steps -> {settings.Folder(model, seed)}");
            if (!scoring && options.Extend is not null)
            {
                try
                {
                    StudyExtension.Seed(model, seed, settings, options.Extend, Console.Out);
                }
                catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or FormatException)
                {
                    Console.Error.WriteLine($"{model.Key} seed {seed}: {e.Message}");
                    failed++;
                    continue;
                }
            }
            try
            {
                if (scoring) StudyScoring.Score(model, seed, settings, features, reference, Console.Out);
                else StudyRun.Run(model, seed, settings, raw, features, reference, Console.Out);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One failed run must not cost the others; rerunning the study retries it from its latest checkpoint.
                Console.Error.WriteLine($"{model.Key} seed {seed} failed: {e}");
                failed++;
            }
        }
        return failed == 0 ? 0 : 1;
    }
    case "report":
        return StudyReport.Write(settings, models, options.Docs, options.Data, Console.Out);
    default:
        Console.Error.WriteLine($"unknown command '{options.Command}': plan, run, score or report");
        return 1;
}

static void PrintPlan(StudySettings settings, IReadOnlyList<StudyModel> models)
{
    Console.WriteLine($"budget {settings.BudgetGFlops:N0} training GFLOPs per run; FD at N = {settings.CurveCount:N0} at {settings.Points} points, " +
                      $"and at N = {settings.FinalCount:N0} at the end; seeds {string.Join(", ", settings.Seeds)}");
    Console.WriteLine($"{"model",-16} {"parameters",10} {"GFLOPs/img",10} {"GFLOPs/step",11} {"steps",7}  stage GFLOPs");
    foreach (var m in models)
    {
        long parameters = m.Cost.TotalParameters;
        Console.WriteLine($"{m.Key,-16} {parameters,10:N0} {m.GFlopsPerImage(),10:0.0000} {m.GFlopsPerStep(),11:0.00} {settings.StepsFor(m),7:N0}  " +
                          string.Join(" / ", m.Cost.Stages.Select(s => s.GFlops.ToString("0.0000", CultureInfo.InvariantCulture))));
    }
}
