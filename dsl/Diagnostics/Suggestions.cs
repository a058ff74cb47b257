using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffusionDsl.Language.Diagnostics;

/// <summary>"Did you mean" hints: the names other tools give a setting, then edit distance.</summary>
public static class Suggestions
{
    /// <summary>
    /// What PyTorch, diffusers, EDM and score_sde users write for the .msd's words; a hint names the first of them that
    /// the place takes (learning_rate is lr in a train section, epsilon is eps after predicts).
    /// </summary>
    private static readonly Dictionary<string, string[]> Synonyms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["learning_rate"] = new[] { "lr" }, ["learningrate"] = new[] { "lr" }, ["batch_size"] = new[] { "batch" }, ["batchsize"] = new[] { "batch" },
        ["epochs"] = new[] { "steps" }, ["iterations"] = new[] { "steps" }, ["iters"] = new[] { "steps" }, ["n_iters"] = new[] { "steps" },
        ["num_steps"] = new[] { "steps" }, ["max_steps"] = new[] { "steps" }, ["timesteps"] = new[] { "steps" }, ["num_inference_steps"] = new[] { "steps" },
        ["sampler"] = new[] { "solver" }, ["scheduler"] = new[] { "solver" }, ["method"] = new[] { "solver" },
        ["epsilon"] = new[] { "eps" }, ["noise"] = new[] { "eps" }, ["x_0"] = new[] { "x0" }, ["x_start"] = new[] { "x0" }, ["sample"] = new[] { "x0" },
        ["v_prediction"] = new[] { "v" }, ["velocity"] = new[] { "v" },
        ["num_samples"] = new[] { "count" }, ["n_samples"] = new[] { "count" }, ["samples"] = new[] { "count" },
        ["wd"] = new[] { "weight_decay" }, ["weightdecay"] = new[] { "weight_decay" },
        ["grad_clip"] = new[] { "clip" }, ["clip_grad"] = new[] { "clip" }, ["max_grad_norm"] = new[] { "clip" }, ["gradient_clip"] = new[] { "clip" },
        ["ema_decay"] = new[] { "ema" }, ["ema_rate"] = new[] { "ema" }, ["warmup_steps"] = new[] { "warmup" }, ["lr_warmup"] = new[] { "warmup" },
        ["lr_rampup_kimg"] = new[] { "warmup_kimg" }, ["random_flip"] = new[] { "flip" }, ["xflip"] = new[] { "flip" },
        ["model_channels"] = new[] { "width" }, ["channels"] = new[] { "width" }, ["ch"] = new[] { "width" }, ["nf"] = new[] { "width" },
        ["channel_mult"] = new[] { "mult" }, ["ch_mult"] = new[] { "mult" },
        ["num_res_blocks"] = new[] { "blocks" }, ["num_blocks"] = new[] { "blocks" },
        ["attn_resolutions"] = new[] { "attention" }, ["attention_resolutions"] = new[] { "attention" },
        ["dropout_rate"] = new[] { "dropout" }, ["sde"] = new[] { "diffusion" }, ["schedule"] = new[] { "diffusion" }, ["noise_schedule"] = new[] { "diffusion" },
        ["resolution"] = new[] { "image" }, ["image_size"] = new[] { "image" }, ["img_resolution"] = new[] { "image" },
        ["augment_dim"] = new[] { "augment" }, ["augment_p"] = new[] { "augment" },
        ["float32"] = new[] { "fp32" }, ["fp16"] = new[] { "bf16" }, ["float16"] = new[] { "bf16" }, ["half"] = new[] { "bf16" },
        ["bfloat16"] = new[] { "bf16" }, ["amp"] = new[] { "auto" }, ["mixed_precision"] = new[] { "precision" }, ["dtype"] = new[] { "precision" },
    };

    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        var list = candidates as IReadOnlyCollection<string> ?? candidates.ToList();
        if (Synonyms.TryGetValue(word, out var meant) && meant.FirstOrDefault(m => list.Contains(m)) is { } synonym) return synonym;
        int allowed = Math.Max(1, Math.Min(3, word.Length / 3 + 1));
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in list)
        {
            // The edit distance is at least the difference in length: a candidate that far off cannot be suggested, and
            // measuring it anyway made a file of many long stage names quadratic to check.
            if (Math.Abs(candidate.Length - word.Length) > allowed) continue;
            int d = Distance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance) { bestDistance = d; best = candidate; }
        }
        return bestDistance <= allowed ? best : null;
    }

    public static string Hint(string word, IEnumerable<string> candidates)
    {
        var list = candidates.ToList();
        var closest = Closest(word, list);
        if (closest is not null) return $"did you mean '{Display.Excerpt(closest)}'?";
        // A model's own names (64 stages of long names, say) are listed as excerpts, and as many as fit a line.
        const int room = 240;
        var names = new List<string>();
        int length = 0;
        foreach (var candidate in list)
        {
            var name = Display.Excerpt(candidate);
            if (names.Count > 0 && length + name.Length > room) break;
            names.Add(name);
            length += name.Length + 2;
        }
        return $"expected one of: {string.Join(", ", names)}" + (list.Count > names.Count ? $" and {list.Count - names.Count} more" : "");
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
