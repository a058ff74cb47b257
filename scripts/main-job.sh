#!/usr/bin/env bash
# The main job: packs DiffusionDsl into the local feed artifacts/feed (scripts/pack.sh), builds the
# QuickStart example from those packages like a user's project (its model is generated from
# FashionQuickStart.msd), trains it on CPU (or CUDA when available) and writes
# runs/quickstart/{samples.png,loss.png,metrics.csv}.
# Data: Debian's dataset-fashion-mnist when installed, else the 2,000-image slice committed in
# examples/QuickStart/data. Arguments pass through: [data path] [steps] [output dir].
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Packing every time keeps the example in step with the code: pack.sh drops the cached copy of the
# version, so the restore below extracts the fresh packages.
mkdir -p artifacts
if ! bash scripts/pack.sh > artifacts/pack.log 2>&1; then
  tail -n 30 artifacts/pack.log
  echo "scripts/pack.sh failed (full log: artifacts/pack.log)" >&2
  exit 1
fi
echo "packed $(cd artifacts/feed && echo DiffusionDsl.*.nupkg) into artifacts/feed"

dotnet build examples/QuickStart/QuickStart.csproj -c Release -v:q -nologo
exec dotnet examples/QuickStart/bin/Release/net10.0/linux-x64/QuickStart.dll "${1:-}" "${2:-}" "${3:-runs/quickstart}"
