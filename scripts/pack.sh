#!/usr/bin/env bash
# Packs DiffusionDsl.Vocabulary (the layouts, enums and defaults the generator and the runtime share),
# DiffusionDsl.Generator, DiffusionDsl.Runtime (which depends on the vocabulary) and DiffusionDsl (which
# depends on both, so a user adds one PackageReference) into artifacts/feed, a local NuGet feed, with the
# `dotnet new msd-model` template package DiffusionDsl.Templates and the `msd` tool package DiffusionDsl.Cli.
# Usage: scripts/pack.sh [VERSION]   (default 0.1.0-local)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
version="${1:-0.1.0-local}"
feed="artifacts/feed"

mkdir -p "$feed"
rm -f "$feed"/DiffusionDsl.*.nupkg
dotnet pack vocabulary/DiffusionDsl.Vocabulary.csproj -c Release -p:Version="$version" -o "$feed" 2>&1 | tail -n 3
dotnet pack packaging/Generator/DiffusionDsl.Generator.Package.csproj -c Release -p:Version="$version" -o "$feed" 2>&1 | tail -n 3
dotnet pack runtime/DiffusionDsl.Runtime.csproj -c Release -p:Version="$version" -o "$feed" \
  -p:CustomAfterMicrosoftCommonTargets="$PWD/packaging/Runtime/RuntimePackage.targets" 2>&1 | tail -n 3
dotnet pack packaging/DiffusionDsl/DiffusionDsl.Package.csproj -c Release -p:Version="$version" -o "$feed" \
  -p:CustomAfterMicrosoftCommonTargets="$PWD/packaging/Runtime/RuntimePackage.targets" 2>&1 | tail -n 3
dotnet pack packaging/Templates/DiffusionDsl.Templates.csproj -c Release -p:Version="$version" -o "$feed" 2>&1 | tail -n 3
# msd as a dotnet tool without libtorch (TorchBackend=none; it finds libtorch at run time, see cli/README.md), built under
# artifacts/tool-build so that the solution's own cli/, runtime/ and dsl/ outputs, which carry libtorch, stay as they are.
dotnet pack cli/DiffusionDsl.Cli.csproj -c Release -p:Version="$version" -o "$feed" -p:TorchBackend=none \
  -p:UseArtifactsOutput=true -p:ArtifactsPath="$PWD/artifacts/tool-build" 2>&1 | tail -n 3

# NuGet never re-extracts a version it has cached, so drop this version's stale copies.
packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
rm -rf "$packages/diffusiondsl/$version" "$packages/diffusiondsl.generator/$version" "$packages/diffusiondsl.runtime/$version" "$packages/diffusiondsl.vocabulary/$version" \
  "$packages/diffusiondsl.cli/$version"
# A no-op restore would keep the examples' project.assets.json from the previous pack (it only checks that the
# package folders exist), so a package whose file layout changed would be referenced at its old paths.
rm -f examples/*/obj/project.nuget.cache

ls -l "$feed"
