using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffusionDsl.Language.Diagnostics;

/// <summary>"Did you mean" hints by edit distance.</summary>
public static class Suggestions
{
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            int d = Distance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance) { bestDistance = d; best = candidate; }
        }
        int allowed = Math.Max(1, Math.Min(3, word.Length / 3 + 1));
        return bestDistance <= allowed ? best : null;
    }

    public static string Hint(string word, IEnumerable<string> candidates)
    {
        var list = candidates.ToList();
        var closest = Closest(word, list);
        return closest is null ? $"expected one of: {string.Join(", ", list)}" : $"did you mean '{closest}'?";
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
