using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime;

/// <summary>
/// A constant float64 table (stage boundaries, a discrete schedule's grid, per-stage bounds) copied once to each device
/// it is asked for. Building it with tensor(values, device: d) on every call copies from the host every time, and on a
/// GPU a blocking host-to-device copy waits for the queued kernels just as a read does. The tensors live as long as the
/// table; callers must not dispose them.
/// </summary>
internal sealed class DeviceTable
{
    private readonly double[] _values;
    private readonly Dictionary<(DeviceType, int), Tensor> _copies = new();

    public DeviceTable(double[] values) => _values = values;

    public Tensor On(Device device)
    {
        var key = (device.type, device.index);
        lock (_copies)
        {
            if (!_copies.TryGetValue(key, out var copy))
                _copies[key] = copy = tensor(_values, dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();
            return copy;
        }
    }
}
