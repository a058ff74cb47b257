#!/usr/bin/env bash
# The main job: builds the QuickStart example (its model is generated from FashionQuickStart.msd),
# trains it on CPU (or CUDA when available) and writes runs/quickstart/{samples.png,loss.png,metrics.csv}.
# Data: Debian's dataset-fashion-mnist when installed, else the 2,000-image slice committed in
# examples/QuickStart/data. Arguments pass through: [data path] [steps] [output dir].
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build examples/QuickStart/QuickStart.csproj -c Release -v:q -nologo
exec dotnet examples/QuickStart/bin/Release/net10.0/linux-x64/QuickStart.dll "${1:-}" "${2:-}" "${3:-runs/quickstart}"
