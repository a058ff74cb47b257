using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace DiffusionDsl.Cli.Hosting;

/// <summary>
/// Makes TorchSharp's native libraries (libLibTorchSharp and libtorch) loadable before the first tensor. msd built in
/// this repo carries them; the `dotnet tool` package does not (libtorch is about 500 MB per backend), so it takes them
/// from, in order: MSD_LIBTORCH (a folder), the model project's own output folder (its backend, cpu or cuda, and the
/// copy its build patched), or a TorchSharp backend msd restores once into its cache (<see cref="TorchBackendCache"/>).
/// </summary>
internal static class TorchNatives
{
    private const string Library = "libLibTorchSharp.so";
    private static readonly object Gate = new();
    private static bool _loaded;

    /// <param name="modelFolder">The built model's folder, or null for commands without a model (cluster, evaluate --images).</param>
    public static void Ensure(string? modelFolder, Action<string> log)
    {
        lock (Gate)
        {
            if (_loaded) return;
            if (NativeLibrary.TryLoad("LibTorchSharp", typeof(torch).Assembly, null, out _)) { _loaded = true; return; }
            var folder = Environment.GetEnvironmentVariable("MSD_LIBTORCH") is { Length: > 0 } configured
                ? Checked(configured, "MSD_LIBTORCH")
                : modelFolder is not null && Usable(modelFolder) ? modelFolder : TorchBackendCache.Ensure(log);
            Load(folder);
            _loaded = true;
        }
    }

    private static string Checked(string folder, string source) =>
        File.Exists(Path.Combine(folder, Library)) ? folder
            : throw new TorchNativesException($"{source} is {folder}, which holds no {Library}: point it at the output folder of a project built with TorchSharp-cpu or TorchSharp-cuda-linux {TorchSharpVersion}.");

    // The model's TorchSharp must be msd's own: libLibTorchSharp's exports change between versions.
    private static bool Usable(string folder)
    {
        var managed = Path.Combine(folder, "TorchSharp.dll");
        return File.Exists(Path.Combine(folder, Library)) && File.Exists(managed)
               && AssemblyName.GetAssemblyName(managed).Version == typeof(torch).Assembly.GetName().Version;
    }

    private static void Load(string folder)
    {
        // Its RUNPATH is $ORIGIN, so libtorch comes from the same folder; TorchSharp's own lookups by name then find the
        // libraries already loaded, and its P/Invokes resolve to this copy.
        IntPtr handle;
        try { handle = NativeLibrary.Load(Path.Combine(folder, Library)); }
        catch (DllNotFoundException e) { throw new TorchNativesException($"could not load TorchSharp's native library from {folder}: {e.Message}"); }
        var cuda = Path.Combine(folder, "libtorch_cuda.so");
        if (File.Exists(cuda)) NativeLibrary.TryLoad(cuda, out _);
        NativeLibrary.SetDllImportResolver(typeof(torch).Assembly, (name, _, _) => name == "LibTorchSharp" ? handle : IntPtr.Zero);
    }

    public static string TorchSharpVersion => typeof(torch).Assembly.GetName().Version!.ToString(3);
}

/// <summary>TorchSharp's native libraries cannot be found, restored or loaded; the message says what to do.</summary>
internal sealed class TorchNativesException(string message) : Exception(message);
