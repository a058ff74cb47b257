using System.Linq;
using DiffusionDsl.Runtime.Staging;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Stages;

/// <summary>The routing's per-stage counts: bincount's answer, without bincount's host reads.</summary>
public class StageCountsTests
{
    [Fact]
    public void CountsEachStageAsBincountDoesEmptyStagesIncluded()
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(7);
        var stages = randint(0, 4, new long[] { 1000 }, dtype: ScalarType.Int64, generator: generator); // stage 4 of 5 stays empty
        Assert.Equal(stages.bincount(null, 5).data<long>().ToArray(), StageCounts.Of(stages, 5).data<long>().ToArray());
        Assert.Equal(new long[] { 0, 0, 3 }, StageCounts.Of(tensor(new long[] { 2, 2, 2 }), 3).data<long>().ToArray());
    }
}
