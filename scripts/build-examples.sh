#!/usr/bin/env bash
# Builds every examples/*/*.csproj in Release against the local feed, as a user's project would
# consume DiffusionDsl. Usage: scripts/build-examples.sh [VERSION]   (default 0.1.0-local)
# It always packs first (about 15 s): a feed left from an older checkout would otherwise build the
# examples against stale packages without saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
version="${1:-0.1.0-local}"

mkdir -p artifacts
if ! bash scripts/pack.sh "$version" > artifacts/pack.log 2>&1; then
  tail -n 30 artifacts/pack.log
  echo "scripts/pack.sh failed (full log: artifacts/pack.log)" >&2
  exit 1
fi
echo "packed DiffusionDsl $version into artifacts/feed"

shopt -s nullglob
projects=(examples/*/*.csproj)
[ ${#projects[@]} -gt 0 ] || { echo "no examples/*/*.csproj found" >&2; exit 1; }
failed=()
for project in "${projects[@]}"; do
  echo "== $project"
  dotnet build "$project" -c Release -nologo -v:q -p:DiffusionDslVersion="$version" || failed+=("$project")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED to build: ${failed[*]}" >&2
  exit 1
fi
echo "built ${#projects[@]} examples"
