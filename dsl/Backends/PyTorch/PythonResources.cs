using System.IO;

namespace DiffusionDsl.Language.Backends.PyTorch;

/// <summary>The Python sources under Backends/PyTorch/Python, embedded in this assembly.</summary>
internal static class PythonResources
{
    public static string Read(string name)
    {
        using var stream = typeof(PythonResources).Assembly.GetManifestResourceStream("DiffusionDsl.PyTorch." + name)
            ?? throw new FileNotFoundException($"The embedded Python source '{name}' is missing from DiffusionDsl.Language.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n");
    }
}
