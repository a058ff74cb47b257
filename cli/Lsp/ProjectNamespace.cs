using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>
/// The RootNamespace the build would compile an .msd file with (the generator's default namespace), so the server's
/// diagnostics are the build's: the nearest folder above the file with one .csproj; its RootNamespace, or the project
/// file's name as the SDK defaults it. Null for a file outside a project, or not on disk (as `msd check` compiles).
/// </summary>
internal static class ProjectNamespace
{
    public static string? Of(string uri)
    {
        try
        {
            if (!System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !parsed.IsFile) return null;
            for (var folder = new FileInfo(parsed.LocalPath).Directory; folder is not null; folder = folder.Parent)
            {
                var projects = folder.GetFiles("*.csproj");
                if (projects.Length == 0) continue;
                if (projects.Length > 1) return null;
                var declared = XDocument.Load(projects[0].FullName).Descendants()
                    .LastOrDefault(e => e.Name.LocalName == "RootNamespace")?.Value.Trim();
                return string.IsNullOrEmpty(declared) ? Path.GetFileNameWithoutExtension(projects[0].Name) : declared;
            }
        }
        // ArgumentException: a path the file system refuses (a NUL character, from %00 in the URI), which is no project's.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Xml.XmlException or System.Security.SecurityException)
        {
        }
        return null;
    }
}
