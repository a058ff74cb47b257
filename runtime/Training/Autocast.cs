using System;
using System.Runtime.InteropServices;
using DiffusionDsl.Runtime.Hosting;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// Automatic mixed precision, as PyTorch's <c>torch.autocast(device_type, dtype)</c>: inside a scope, matrix products and
/// convolutions run in the lower precision and precision-sensitive operations (norms, reductions, losses) in float32,
/// while the parameters, their gradients and the optimizer state stay float32.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 has no autocast (neither its managed API nor its native shim), but autocast is a thread-local
/// dispatcher setting inside libtorch itself, and libtorch_cpu exports the functions torch.autocast calls
/// (<c>at::autocast::set_autocast_enabled(DeviceType, bool)</c> and its siblings, PyTorch 2.4 and later). This calls them
/// by their Itanium C++ names in the libtorch_cpu the process has loaded, so it works on Linux with TorchSharp's own
/// libtorch or any other; elsewhere, or when the names are missing, <see cref="IsAvailable"/> is false.
/// </remarks>
public sealed class Autocast : IDisposable
{
    private readonly sbyte _device;
    private readonly int _thread;
    private readonly bool _wasEnabled;
    private readonly sbyte _previousDtype;
    private bool _disposed;

    /// <summary>Whether this process's libtorch offers autocast's entry points (found once, after libtorch is loaded).</summary>
    public static bool IsAvailable => EntryPoints.Value is not null;

    /// <summary>Where the entry points were looked for, and what was found: for logs and error messages.</summary>
    public static string Describe() => EntryPoints.Value is { } e ? $"libtorch autocast entry points in {e.Library}" : EntryPointsMissing;

    /// <param name="dtype">The lower precision; null keeps the one set (a suspension).</param>
    private Autocast(DeviceType device, ScalarType? dtype, bool enabled)
    {
        // libtorch's autocast knows a few device types and stops with a C++ exception at any other, which must not
        // cross into .NET: only the CPU and CUDA are let through.
        if (device is not (DeviceType.CPU or DeviceType.CUDA))
            throw new ArgumentException($"Autocast runs on the CPU or CUDA, not {device}.", nameof(device));
        var e = EntryPoints.Value ?? throw new PlatformNotSupportedException(EntryPointsMissing);
        _device = (sbyte)device;
        _thread = Environment.CurrentManagedThreadId;
        _wasEnabled = e.IsEnabled(_device) != 0;
        _previousDtype = e.GetDtype(_device);
        e.SetEnabled(_device, (byte)(enabled ? 1 : 0));
        if (dtype is ScalarType lower) e.SetDtype(_device, (sbyte)lower);
        e.IncrementNesting();
    }

    /// <summary>
    /// Turns autocast on for <paramref name="device"/>'s type on this thread until the scope is disposed (on the same
    /// thread). Run the forward pass and the loss inside and <c>backward()</c> after, as with torch.autocast.
    /// </summary>
    public static Autocast Enter(Device device, ScalarType dtype = ScalarType.BFloat16) => new(device.type, dtype, enabled: true);

    public void Dispose()
    {
        if (_disposed) return;
        // The state is the thread's own: leaving from another thread would turn autocast off there and leave it on here.
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException("An autocast scope must end on the thread that entered it.");
        _disposed = true;
        var e = EntryPoints.Value!;
        // As torch.autocast's __exit__: the cache of casted weights lives until the outermost scope ends.
        if (e.DecrementNesting() == 0) e.ClearCache();
        e.SetEnabled(_device, (byte)(_wasEnabled ? 1 : 0));
        e.SetDtype(_device, _previousDtype);
    }

    /// <summary>
    /// Turns autocast off for <paramref name="device"/>'s type on this thread until disposed, as torch.autocast(enabled=False)
    /// does inside an autocast region; null (nothing to undo) when it is not on.
    /// </summary>
    public static IDisposable? Suspend(Device device) => IsEnabled(device) ? new Autocast(device.type, null, enabled: false) : null;

    /// <summary>Whether autocast is on for <paramref name="device"/>'s type on this thread.</summary>
    public static bool IsEnabled(Device device) =>
        device.type is DeviceType.CPU or DeviceType.CUDA && EntryPoints.Value is { } e && e.IsEnabled((sbyte)device.type) != 0;

    private const string EntryPointsMissing =
        "bf16 autocast needs libtorch's at::autocast entry points (PyTorch 2.4 or later, Linux), and this process's libtorch_cpu does not offer them";

    private static readonly Lazy<LibTorchAutocast?> EntryPoints = new(LibTorchAutocast.Find);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate byte IsEnabledFn(sbyte device);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate void SetEnabledFn(sbyte device, byte enabled);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate sbyte GetDtypeFn(sbyte device);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate void SetDtypeFn(sbyte device, sbyte dtype);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int NestingFn();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate void ClearCacheFn();

    /// <summary>at::autocast's functions in the loaded libtorch_cpu (c10::DeviceType and c10::ScalarType are int8 enums).</summary>
    private sealed record LibTorchAutocast(string Library, IsEnabledFn IsEnabled, SetEnabledFn SetEnabled, GetDtypeFn GetDtype,
                                           SetDtypeFn SetDtype, NestingFn IncrementNesting, NestingFn DecrementNesting, ClearCacheFn ClearCache)
    {
        public static LibTorchAutocast? Find()
        {
            if (!OperatingSystem.IsLinux()) return null;
            // The libtorch TorchSharp loaded: it is loaded by the first tensor, and this must be the same copy.
            using (zeros(1)) { }
            var path = MappedLibraries.Named("libtorch_cpu.so");
            if (path is null || !NativeLibrary.TryLoad(path, out var handle)) return null;
            T? Export<T>(string name) where T : Delegate =>
                NativeLibrary.TryGetExport(handle, name, out var address) ? Marshal.GetDelegateForFunctionPointer<T>(address) : null;

            var isEnabled = Export<IsEnabledFn>("_ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE");
            var setEnabled = Export<SetEnabledFn>("_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb");
            var getDtype = Export<GetDtypeFn>("_ZN2at8autocast18get_autocast_dtypeEN3c1010DeviceTypeE");
            var setDtype = Export<SetDtypeFn>("_ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE");
            var increment = Export<NestingFn>("_ZN2at8autocast17increment_nestingEv");
            var decrement = Export<NestingFn>("_ZN2at8autocast17decrement_nestingEv");
            var clearCache = Export<ClearCacheFn>("_ZN2at8autocast11clear_cacheEv");
            if (isEnabled is null || setEnabled is null || getDtype is null || setDtype is null || increment is null || decrement is null || clearCache is null)
                return null;
            return new LibTorchAutocast(path, isEnabled, setEnabled, getDtype, setDtype, increment, decrement, clearCache);
        }
    }
}
