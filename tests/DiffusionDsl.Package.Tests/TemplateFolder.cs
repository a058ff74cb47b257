using System;
using System.IO;

namespace DiffusionDsl.Package.Tests;

/// <summary>
/// A temp folder whose own template hive (dotnet new's --debug:custom-hive) holds DiffusionDsl.Templates installed
/// from the local feed, so the tests never touch the user's installed templates; projects made here restore
/// DiffusionDsl from the same feed through the folder's nuget.config.
/// </summary>
internal sealed class TemplateFolder : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "dd-template-" + Guid.NewGuid().ToString("N"));
    private string Hive => Path.Combine(Folder, ".hive");

    public TemplateFolder()
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, "nuget.config"), LocalFeed.NuGetConfig(LocalFeed.Folder!));
        var install = Dotnet($"new install DiffusionDsl.Templates@{LocalFeed.Version} --add-source \"{LocalFeed.Folder}\"");
        if (install.ExitCode != 0) throw new InvalidOperationException(install.Output);
    }

    /// <summary>Runs <c>dotnet new msd-model -n name arguments</c>; the project lands in Folder/name.</summary>
    public (int ExitCode, string Output) New(string name, string arguments = "") => Dotnet($"new msd-model -n {name} {arguments}");

    public string Project(string name) => Path.Combine(Folder, name);

    public (int ExitCode, string Output) Dotnet(string arguments) =>
        DotnetProcess.Run($"{arguments} --debug:custom-hive \"{Hive}\"", Folder, Timeout);

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
