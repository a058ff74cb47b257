using System;
using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Clustering;

namespace DiffusionDsl.Data.Tests.Clustering;

public class PartitionTests
{
    /// <summary>21 grid times in three blocks [0, 7), [7, 14), [14, 21): similarity 1 inside a block, <paramref name="across"/> between.</summary>
    private static double[,] ThreeBlocks(double across)
    {
        var s = new double[21, 21];
        for (int i = 0; i < 21; i++) for (int j = 0; j < 21; j++) s[i, j] = i / 7 == j / 7 ? 1.0 : across;
        return s;
    }

    private static readonly double[] Grid = Enumerable.Range(0, 21).Select(i => i / 20.0).ToArray();

    [Fact]
    public void Algorithm1FindsTheBlockEdges()
    {
        var found = TwoBoundarySearch.Solve(ThreeBlocks(0.0), Grid, alpha: 0.9);
        Assert.Equal((7, 14), (found.Index1, found.Index2));
        Assert.Equal((0.35, 0.70), (found.T1, found.T2));
        Assert.True(found.HasMiddleStage);
    }

    [Fact]
    public void Algorithm1TakesTheLargestT1AtTheThreshold()
    {
        // Mean over [0, tau) of S(t, 0) with tau = grid[8] is (7 + 0.6) / 8 = 0.95 >= alpha, so t1 moves one step on.
        var found = TwoBoundarySearch.Solve(ThreeBlocks(0.6), Grid, alpha: 0.95);
        Assert.Equal(8, found.Index1);
        Assert.Equal(13, found.Index2);
    }

    [Fact]
    public void PartitionRecoversBlocks()
    {
        var partition = ContiguousPartition.Solve(ThreeBlocks(0.3), 3);
        Assert.Equal(new[] { 0, 7, 14 }, partition.Starts);
    }

    /// <summary>
    /// t = 1 unlike every other time: alone it would score best, but a stage starting there is [1, 1], empty (`msd
    /// cluster --msd` once wrote one into a file, which then did not compile). The last stage keeps a point before t = 1.
    /// </summary>
    [Fact]
    public void NoStageStartsAtTheLastTime()
    {
        const int size = 21;
        var s = new double[size, size];
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++) s[i, j] = i == j ? 1 : (i == size - 1 || j == size - 1) ? 0 : i < 10 == j < 10 ? 0.9 : 0.5;
        var partition = ContiguousPartition.Solve(s, 3);
        Assert.True(partition.Starts[^1] < size - 1, $"starts {string.Join(", ", partition.Starts)}");
        Assert.Throws<ArgumentOutOfRangeException>(() => ContiguousPartition.Solve(new double[4, 4], 4));
        Assert.Equal(new[] { 0 }, ContiguousPartition.Solve(new double[1, 1] { { 1 } }, 1).Starts);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 6)]
    [InlineData(3, 7)]
    [InlineData(4, 8)]
    [InlineData(3, 4)]
    public void DynamicProgrammingMatchesBruteForce(int stages, int size)
    {
        var random = new Random(stages * 100 + size);
        for (int trial = 0; trial < 20; trial++)
        {
            var s = new double[size, size];
            for (int i = 0; i < size; i++)
                for (int j = 0; j <= i; j++) s[i, j] = s[j, i] = i == j ? 1 : random.NextDouble();

            var dp = ContiguousPartition.Solve(s, stages);
            var brute = AllPartitions(size, stages).Max(starts => ContiguousPartition.Score(s, starts));

            Assert.Equal(brute, dp.Score, 1e-9);
            Assert.Equal(dp.Score, ContiguousPartition.Score(s, dp.Starts), 1e-9);
        }
    }

    private static IEnumerable<int[]> AllPartitions(int size, int stages)
    {
        if (stages == 1) { yield return new[] { 0 }; yield break; }
        // The last stage holds t = 1 and at least one point before it (it spans [t_i, 1]).
        foreach (var rest in Combinations(Enumerable.Range(1, size - 2).ToArray(), stages - 1))
            yield return rest.Prepend(0).ToArray();
    }

    private static IEnumerable<int[]> Combinations(int[] items, int count)
    {
        if (count == 0) { yield return Array.Empty<int>(); yield break; }
        for (int i = 0; i <= items.Length - count; i++)
            foreach (var tail in Combinations(items[(i + 1)..], count - 1))
                yield return tail.Prepend(items[i]).ToArray();
    }
}
