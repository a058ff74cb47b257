#!/usr/bin/env bash
# Builds DiffusionDsl.sln and runs every test project; ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

dotnet build DiffusionDsl.sln -c Release 2>&1 | tail -n 30
if [ "${PIPESTATUS[0]}" -ne 0 ]; then echo "0 passed, 1 failed"; exit 1; fi

results=$(mktemp -d)
status=0
# What the tests need beyond .NET, installed with apt (as root) when missing: Debian's python3-torch (numpy comes with it)
# and Pillow for the PyTorch backend's tests (they run the exported Python), and Node.js with npm for the editor tests
# (the TextMate grammar's tokenizer and the VS Code client; the tests run `npm ci` for their packages).
missing=()
/usr/bin/python3 -c "import torch, PIL" 2>/dev/null || { [ -n "${MSD_PYTHON:-}" ] && "$MSD_PYTHON" -c "import torch, PIL" 2>/dev/null; } \
  || missing+=(python3-torch python3-pil)
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    started=$(date +%s)
    if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } > "$results/apt.log" 2>&1; then
      echo "installed ${missing[*]} in $(( $(date +%s) - started )) s"
    else
      echo "installing ${missing[*]} failed:"; tail -n 5 "$results/apt.log"
    fi
  else
    echo "missing ${missing[*]}, and not root with apt: the PyTorch backend's or the editor tests will fail (MSD_PYTHON names a Python with torch)"
  fi
fi
bash scripts/pack.sh > "$results/pack.log" 2>&1 || { echo "scripts/pack.sh failed:"; tail -n 20 "$results/pack.log"; status=1; }
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" 2>&1 | tail -n 40
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$passed" -eq 0 ]; then status=1; fi
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
