#!/usr/bin/env bash
# The paper's three comparisons on Fashion-MNIST at equal training compute (examples/PaperComparisons/README.md):
# packs DiffusionDsl into the local feed, builds examples/PaperComparisons from it, trains and measures every
# (model, seed) run in two single-threaded processes side by side, scores Table 2's final checkpoints with more
# samples, then writes the tables and plots to docs/comparisons. Resumable: run it again after a stop and it continues from each run's latest checkpoint.
# Arguments pass to the runner (e.g. --budget 15000 --seeds 0,1); output under runs/comparisons.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p artifacts runs/comparisons
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] && command -v apt-get > /dev/null && [ "$(id -u)" = 0 ]; then
  echo "installing Debian's dataset-fashion-mnist"
  { apt-get install -y dataset-fashion-mnist || { apt-get update && apt-get install -y dataset-fashion-mnist; }; } > artifacts/apt.log 2>&1 \
    || { echo "could not install dataset-fashion-mnist (see artifacts/apt.log)" >&2; exit 1; }
fi

if [ "${SKIP_PACK:-0}" != 1 ]; then
  if ! bash scripts/pack.sh > artifacts/pack.log 2>&1; then
    tail -n 30 artifacts/pack.log
    echo "scripts/pack.sh failed (full log: artifacts/pack.log)" >&2
    exit 1
  fi
fi
dotnet build examples/PaperComparisons/PaperComparisons.csproj -c Release -v:q -nologo -clp:ErrorsOnly
runner=(dotnet examples/PaperComparisons/bin/Release/net10.0/linux-x64/PaperComparisons.dll)

start=$(date +%s)
"${runner[@]}" run --shard 0/2 "$@" > runs/comparisons/shard-0.log 2>&1 &
first=$!
"${runner[@]}" run --shard 1/2 "$@" > runs/comparisons/shard-1.log 2>&1 &
second=$!
status=0
wait $first || status=1
wait $second || status=1
echo "runs took $(( ($(date +%s) - start) / 60 )) min (logs: runs/comparisons/shard-*.log)"

# The larger score of Table 2's final checkpoints (10,000 samples by default), two at a time.
start=$(date +%s)
"${runner[@]}" score --shard 0/2 "$@" > runs/comparisons/score-0.log 2>&1 &
first=$!
"${runner[@]}" score --shard 1/2 "$@" > runs/comparisons/score-1.log 2>&1 &
second=$!
wait $first || status=1
wait $second || status=1
echo "scoring took $(( ($(date +%s) - start) / 60 )) min (logs: runs/comparisons/score-*.log)"
"${runner[@]}" report "$@"
exit $status
