using System.Linq;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Schedules;

public class NoiseLabelTests
{
    /// <summary>The tensor path (used on every forward pass) computes the same labels as the scalar definition.</summary>
    [Theory]
    [MemberData(nameof(ScheduleCases.Names), MemberType = typeof(ScheduleCases))]
    public void TensorLabelsEqualTheScalarLabels(string name)
    {
        var schedule = ScheduleCases.Create(name);
        var times = new[] { 0.0005, 0.01, 0.3, 0.442, 0.631, 0.99, 1.0 };
        using var labels = schedule.NoiseLabels(tensor(times.Select(t => (float)t).ToArray()));
        Assert.Equal(ScalarType.Float32, labels.dtype);
        var actual = labels.data<float>().ToArray();
        for (int i = 0; i < times.Length; i++)
            Assert.Equal(schedule.NoiseLabel((float)times[i]), actual[i], 1e-4 * (1 + System.Math.Abs(actual[i])));
    }
}
