using System;
using System.IO;

namespace DiffusionDsl.Package.Tests;

/// <summary>A user project in a temp folder that takes DiffusionDsl only from packages.</summary>
internal sealed class ScratchProject : IDisposable
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "dd-package-" + Guid.NewGuid().ToString("N"));

    public ScratchProject(string feed, string version)
    {
        Directory.CreateDirectory(Folder);
        Write("nuget.config", LocalFeed.NuGetConfig(feed));
        Write("Scratch.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
                <SelfContained>false</SelfContained>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="DiffusionDsl" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
    }

    public void Write(string name, string text)
    {
        var path = Path.Combine(Folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>Runs the dotnet CLI in the project folder; returns its exit code and all its output.</summary>
    public (int ExitCode, string Output) Dotnet(string arguments, TimeSpan timeout) => DotnetProcess.Run(arguments, Folder, timeout);

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
