using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffusionDsl.Language.Diagnostics;

/// <summary>"Did you mean" hints: the names other tools give a setting, then edit distance.</summary>
public static class Suggestions
{
    /// <summary>
    /// What PyTorch, diffusers, EDM and score_sde users write for the .msd's words; a hint names it where the place takes
    /// it (learning_rate is lr in a train section, epsilon is eps after predicts).
    /// </summary>
    private static readonly Dictionary<string, string> Synonyms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["learning_rate"] = "lr", ["learningrate"] = "lr", ["batch_size"] = "batch", ["batchsize"] = "batch",
        ["epochs"] = "steps", ["iterations"] = "steps", ["iters"] = "steps", ["n_iters"] = "steps",
        ["num_steps"] = "steps", ["max_steps"] = "steps", ["timesteps"] = "steps", ["num_inference_steps"] = "steps",
        ["sampler"] = "solver", ["scheduler"] = "solver", ["method"] = "solver",
        ["epsilon"] = "eps", ["noise"] = "eps", ["x_0"] = "x0", ["x_start"] = "x0", ["sample"] = "x0",
        ["v_prediction"] = "v", ["velocity"] = "v",
        ["num_samples"] = "count", ["n_samples"] = "count", ["samples"] = "count",
        ["wd"] = "weight_decay", ["weightdecay"] = "weight_decay",
        ["grad_clip"] = "clip", ["clip_grad"] = "clip", ["max_grad_norm"] = "clip", ["gradient_clip"] = "clip",
        ["ema_decay"] = "ema", ["ema_rate"] = "ema", ["warmup_steps"] = "warmup", ["lr_warmup"] = "warmup",
        ["lr_rampup_kimg"] = "warmup_kimg", ["random_flip"] = "flip", ["xflip"] = "flip",
        ["model_channels"] = "width", ["channels"] = "width", ["ch"] = "width", ["nf"] = "width",
        ["channel_mult"] = "mult", ["ch_mult"] = "mult",
        ["num_res_blocks"] = "blocks", ["num_blocks"] = "blocks",
        ["attn_resolutions"] = "attention", ["attention_resolutions"] = "attention",
        ["dropout_rate"] = "dropout", ["sde"] = "diffusion", ["schedule"] = "diffusion", ["noise_schedule"] = "diffusion",
        ["resolution"] = "image", ["image_size"] = "image", ["img_resolution"] = "image",
        ["augment_dim"] = "augment", ["augment_p"] = "augment",
        ["float32"] = "fp32", ["fp16"] = "bf16", ["float16"] = "bf16", ["half"] = "bf16",
        ["bfloat16"] = "bf16", ["amp"] = "auto", ["mixed_precision"] = "precision", ["dtype"] = "precision",
        // EDM's generate.py names (S_churn, S_min, S_max, S_noise)
        ["s_churn"] = "churn", ["s_min"] = "churn_min", ["s_max"] = "churn_max", ["s_noise"] = "churn_noise",
        // DPM-Solver's skip_type and its values
        ["skip_type"] = "spacing", ["time_uniform"] = "time",
    };

    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        var list = candidates as IReadOnlyCollection<string> ?? candidates.ToList();
        if (Synonyms.TryGetValue(word, out var synonym) && list.Contains(synonym)) return synonym;
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
