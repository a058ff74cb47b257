#!/usr/bin/env bash
# The main job: packs DiffusionDsl into the local feed artifacts/feed (scripts/pack.sh), builds the
# QuickStart example from those packages like a user's project (its model is generated from
# FashionQuickStart.msd), trains it on CPU (or CUDA when available) and writes
# runs/quickstart/{samples.png,loss.png,metrics.csv}.
# Data: Debian's dataset-fashion-mnist when installed, else the 2,000-image slice committed in
# examples/QuickStart/data. Arguments pass through: [data path] [steps] [output dir].
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p artifacts
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The full training set: Debian's dataset-fashion-mnist, installed here when apt can (else the committed slice).
if [ -z "${1:-}" ] && [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] && command -v apt-get > /dev/null && [ "$(id -u)" = 0 ]; then
  echo "installing Debian's dataset-fashion-mnist (the full Fashion-MNIST training set)"
  { apt-get install -y dataset-fashion-mnist || { apt-get update && apt-get install -y dataset-fashion-mnist; }; } > artifacts/apt.log 2>&1 \
    || echo "could not install dataset-fashion-mnist (see artifacts/apt.log); training on the committed 2,000-image slice"
fi

# Packing every time keeps the example in step with the code: pack.sh drops the cached copy of the
# version, so the restore below extracts the fresh packages.
if ! bash scripts/pack.sh > artifacts/pack.log 2>&1; then
  tail -n 30 artifacts/pack.log
  echo "scripts/pack.sh failed (full log: artifacts/pack.log)" >&2
  exit 1
fi
echo "packed $(cd artifacts/feed && echo DiffusionDsl.*.nupkg) into artifacts/feed"

dotnet build examples/QuickStart/QuickStart.csproj -c Release -v:q -nologo
exec dotnet examples/QuickStart/bin/Release/net10.0/linux-x64/QuickStart.dll "${1:-}" "${2:-}" "${3:-runs/quickstart}"
