using System;
using System.Collections.Generic;

namespace DiffusionDsl.Runtime.Clustering;

/// <summary>Algorithm 1's answer: grid indices and times of t1 and t2.</summary>
public sealed record TwoBoundaries(int Index1, int Index2, double T1, double T2)
{
    /// <summary>False when the two searches crossed, leaving no middle stage (alpha too high for this data).</summary>
    public bool HasMiddleStage => Index1 < Index2;
}

/// <summary>
/// The paper's Algorithm 1 on a similarity matrix over a time grid: t1 is the largest grid time tau with
/// mean_{t in [0, tau)} S(t, t_0) >= alpha, t2 the smallest tau with mean_{t in [tau, 1]} S(t, t_last) >= alpha.
/// </summary>
public static class TwoBoundarySearch
{
    public static TwoBoundaries Solve(double[,] similarity, IReadOnlyList<double> grid, double alpha)
    {
        int n = grid.Count;
        if (similarity.GetLength(0) != n || similarity.GetLength(1) != n) throw new ArgumentException("The similarity matrix must be G x G for a grid of G times.");
        if (n < 3) throw new ArgumentException("Algorithm 1 needs at least 3 grid times.");

        int index1 = 1;
        double prefix = 0;
        for (int j = 1; j < n; j++)
        {
            prefix += similarity[j - 1, 0];
            if (prefix / j >= alpha) index1 = j;
        }

        int index2 = n - 1;
        double suffix = 0;
        for (int j = n - 1; j >= 1; j--)
        {
            suffix += similarity[j, n - 1];
            if (suffix / (n - j) >= alpha) index2 = j;
        }
        return new TwoBoundaries(index1, index2, grid[index1], grid[index2]);
    }
}
