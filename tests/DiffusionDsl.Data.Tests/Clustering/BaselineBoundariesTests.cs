using DiffusionDsl.Runtime.Clustering;

namespace DiffusionDsl.Data.Tests.Clustering;

public class BaselineBoundariesTests
{
    [Fact]
    public void UniformSplitsTimeEvenly()
    {
        Assert.Equal(new[] { 1 / 3.0, 2 / 3.0 }, BaselineBoundaries.Uniform(3));
        Assert.Empty(BaselineBoundaries.Uniform(1));
    }

    [Fact]
    public void LogSnrKMediansReproducesThePapersTable4Row()
    {
        // Paper Table 4, SNR baseline on VP (beta 0.1 to 20): t1 = 0.348, t2 = 0.709.
        var boundaries = BaselineBoundaries.LogSnrKMedians(new TestSchedules.Vp(), 3);
        Assert.Equal(0.348, boundaries[0], 0.002);
        Assert.Equal(0.709, boundaries[1], 0.002);
    }
}
