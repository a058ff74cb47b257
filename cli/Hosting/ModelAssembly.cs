using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using DiffusionDsl.Runtime.Hosting;
using DiffusionDsl.Runtime.Networks;

namespace DiffusionDsl.Cli.Hosting;

/// <summary>
/// The generated models of a built assembly, read from each model's static <c>Info</c>. The assembly is
/// loaded into the default context, so it shares this process's DiffusionDsl.Runtime and TorchSharp;
/// its other dependencies are found through its own deps.json.
/// </summary>
internal static class ModelAssembly
{
    public static IReadOnlyList<MsdModelInfo> Load(string assemblyPath)
    {
        var path = Path.GetFullPath(assemblyPath);
        if (!File.Exists(path)) throw new FileNotFoundException($"{assemblyPath}: no such file.");
        AssemblyName name;
        try { name = AssemblyName.GetAssemblyName(path); }
        catch (BadImageFormatException) { throw new ModelAssemblyException($"{assemblyPath}: not a .NET assembly."); }

        Assembly assembly;
        try
        {
            assembly = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => a.GetName().Name == name.Name) ?? LoadWithDependencies(path);
        }
        catch (BadImageFormatException)
        {
            throw new ModelAssemblyException($"{assemblyPath}: cannot be loaded to run (a reference assembly from obj/? point at the one in bin/).");
        }
        try
        {
            return assembly.GetExportedTypes()
                .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(MultistageUNet).IsAssignableFrom(t))
                .Select(t => t.GetProperty("Info", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as MsdModelInfo)
                .OfType<MsdModelInfo>()
                .OrderBy(info => info.Name, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileLoadException or FileNotFoundException or TargetInvocationException or TypeLoadException)
        {
            throw new ModelAssemblyException($"{assemblyPath}: its models cannot be loaded ({(e.InnerException ?? e).Message}). " +
                                             "Was it built against another version of DiffusionDsl.Runtime than this msd?");
        }
    }

    /// <summary>The model called <paramref name="name"/>, or the only one when no name is given.</summary>
    public static MsdModelInfo Pick(IReadOnlyList<MsdModelInfo> models, string? name, string source)
    {
        if (models.Count == 0)
            throw new ModelAssemblyException($"{source}: no generated models (a class built from an .msd file). Does its project reference the DiffusionDsl package and hold an .msd file?");
        var list = string.Join(", ", models.Select(m => m.Name));
        if (name is null)
            return models.Count == 1 ? models[0] : throw new ModelAssemblyException($"{source} has {models.Count} models ({list}): choose one with --model.");
        return models.FirstOrDefault(m => m.Name == name)
               ?? models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
               ?? throw new ModelAssemblyException($"{source} has no model '{name}'; it has {list}.");
    }

    private static Assembly LoadWithDependencies(string path)
    {
        var resolver = new AssemblyDependencyResolver(path);
        AssemblyLoadContext.Default.Resolving += (context, requested) =>
            resolver.ResolveAssemblyToPath(requested) is { } dependency ? context.LoadFromAssemblyPath(dependency) : null;
        return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }
}

/// <summary>A model assembly that cannot be used; the message names it and the problem.</summary>
internal sealed class ModelAssemblyException(string message) : Exception(message);
