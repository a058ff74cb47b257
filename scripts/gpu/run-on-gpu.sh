#!/usr/bin/env bash
# Runs on the GPU machine in one call, from the repository root, with artifacts/gpu/ from scripts/gpu/prepare.sh carried
# along. That machine has PyTorch (with CUDA), nvcc, cmake and ninja, and no .NET and no network:
#
#   bash scripts/gpu/run-on-gpu.sh [harness arguments, e.g. --steps 200 --quick-batch 256 --cifar-batch 128 --precision fp32,bf16]
#
# 1. unpacks the self-contained harness and LibTorchSharp's sources into $GPU_WORK (default /tmp/msd-gpu);
# 2. builds LibTorchSharp against the installed PyTorch's libtorch: `python3 -c "import torch"` gives torch/include,
#    torch/lib and torch/share/cmake/Torch (TorchConfig.cmake), or set LIBTORCH_CMAKE_DIR and LIBTORCH_LIB_DIR;
# 3. points TorchSharp at it: TorchSharp loads its natives with NativeLibrary.TryLoad("torch_cuda") (or "torch_cpu")
#    and then ("LibTorchSharp"), which search the program's folder and then the loader's path, so LD_LIBRARY_PATH holds
#    the new libLibTorchSharp.so and torch/lib (the publish carries neither);
# 4. first, when reference.tar.xz came along, times the paper's own network in PyTorch (scripts/gpu/time_reference.py,
#    at the harness's --cifar-batch), which needs neither the shim nor .NET, so a failed build still leaves its figures;
#    then runs the harness (torch.cuda.is_available() from C#, QuickStart and the CIFAR-10 config trained and sampled on
#    $DEVICE, default cuda), which rewrites timings.json after every run;
# 5. keeps within one call: the whole script ends by $DEADLINE_S seconds (default 540) after it starts, the reference
#    by $REFERENCE_TIMEOUT_S (default 150), and the harness gets what is left;
#
# 6. writes to $OUT (default runs/gpu): run.log, build.log, env.txt, harness.log, timings.json, samples-*.png,
#    timings-reference.json, gpu-usage.csv (nvidia-smi every 5 s).
#
# Without a GPU (to test this path): DEVICE=cpu, and LIBTORCHSHARP=/path/libLibTorchSharp.so with LIBTORCH_LIB_DIR=<a
# libtorch's lib folder> skip the build and run on a prebuilt shim; scripts/gpu/rehearse-on-cpu.sh runs all of it, the
# build included, against Debian testing's libtorch (README, "Running on a GPU machine without .NET").
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$root/runs/gpu}
WORK=${GPU_WORK:-/tmp/msd-gpu}
PYTHON=${PYTHON:-python3}
DEVICE=${DEVICE:-cuda}
ARTIFACTS=${GPU_ARTIFACTS:-$root/artifacts/gpu}
mkdir -p "$OUT" "$WORK"
OUT=$(cd "$OUT" && pwd)
log() { echo "[run-on-gpu $(date -u +%T)] $*" | tee -a "$OUT/run.log"; }
fail() { log "FAILED: $*"; exit 1; }
# On any exit: stop the GPU usage log, and drop checkpoints, which no run should write here (the harness turns them
# off) and which, at 2 GB for the CIFAR-10 model, would keep everything else in $OUT from coming back.
usage=
cleanup() {
  [ -z "$usage" ] || kill "$usage" 2>/dev/null
  find "$OUT" -name '*.ckpt' -delete 2>/dev/null
}
trap cleanup EXIT

started=$SECONDS
DEADLINE_S=${DEADLINE_S:-540}
left() { local s=$(( DEADLINE_S - (SECONDS - started) )); [ "$s" -gt 0 ] || s=1; echo "$s"; }  # timeout 0 would mean none

log "artifacts: $ARTIFACTS; work: $WORK; out: $OUT; device: $DEVICE; deadline ${DEADLINE_S} s"
[ -f "$ARTIFACTS/harness.tar.xz" ] || fail "no $ARTIFACTS/harness.tar.xz: run scripts/gpu/prepare.sh and carry artifacts/gpu"
cat "$ARTIFACTS/MANIFEST.txt" >> "$OUT/run.log" 2>/dev/null
rm -rf "$WORK/harness" "$WORK/torchsharp" "$WORK/reference"
tar -C "$WORK" -xJf "$ARTIFACTS/harness.tar.xz" || fail "unpacking the harness"
tar -C "$WORK" -xJf "$ARTIFACTS/libtorchsharp-src.tar.xz" || fail "unpacking LibTorchSharp's sources"
[ -f "$ARTIFACTS/reference.tar.xz" ] && tar -C "$WORK" -xJf "$ARTIFACTS/reference.tar.xz"

# PyTorch's CMake config looks for nvcc and the toolkit (a non-login shell often lacks /usr/local/cuda/bin on PATH). The
# shim has no CUDA sources of its own, so the architecture list only spares the configure its GPU detection.
[ -x /usr/local/cuda/bin/nvcc ] && export PATH="/usr/local/cuda/bin:$PATH"
command -v nvcc >/dev/null && export CUDACXX=${CUDACXX:-$(command -v nvcc)}
export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0}

{
  echo "uname: $(uname -a)"
  command -v nvidia-smi >/dev/null && nvidia-smi
  command -v nvcc >/dev/null && nvcc --version | tail -n 2
  gcc --version | head -n 1
  cmake --version | head -n 1
  $PYTHON -c 'import numpy, sys; print("python", sys.version.split()[0], "numpy", numpy.__version__)'
  $PYTHON -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available(), "cxx11abi", torch._C._GLIBCXX_USE_CXX11_ABI)'
} > "$OUT/env.txt" 2>&1
log "$(tail -n 1 "$OUT/env.txt")"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv -l 5 > "$OUT/gpu-usage.csv" 2>&1 &
  usage=$!
fi

# The paper's network in PyTorch first: it needs neither the shim nor .NET. Its training batch is the harness's CIFAR-10 one.
if [ -d "$WORK/reference" ] && [ "${SKIP_REFERENCE:-0}" != 1 ]; then
  cifar_batch=64
  previous=
  for argument in "$@"; do [ "$previous" = --cifar-batch ] && cifar_batch=$argument; previous=$argument; done
  log "timing the reference network (batch $cifar_batch, at most ${REFERENCE_TIMEOUT_S:-150} s)"
  timeout -k 10 "${REFERENCE_TIMEOUT_S:-150}" $PYTHON "$root/scripts/gpu/time_reference.py" --reference "$WORK/reference" --device "$DEVICE" \
    --out "$OUT/timings-reference.json" ${REFERENCE_ARGS:---batch $cifar_batch} >> "$OUT/run.log" 2>&1 \
    || log "the reference timing failed or ran out of time (run.log)"
fi

# libtorch: the Python package's, unless given.
if [ -n "${LIBTORCHSHARP:-}" ]; then
  [ -n "${LIBTORCH_LIB_DIR:-}" ] || fail "LIBTORCHSHARP needs LIBTORCH_LIB_DIR"
  LIBTORCH_CMAKE_DIR=${LIBTORCH_CMAKE_DIR:-none}
elif [ -z "${LIBTORCH_CMAKE_DIR:-}" ] || [ -z "${LIBTORCH_LIB_DIR:-}" ]; then
  torch_dir=$($PYTHON -c 'import torch, os; print(os.path.dirname(torch.__file__))') || fail "python3 cannot import torch; set LIBTORCH_CMAKE_DIR and LIBTORCH_LIB_DIR"
  prefix=$($PYTHON -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')
  LIBTORCH_CMAKE_DIR=${LIBTORCH_CMAKE_DIR:-$prefix/Torch}
  LIBTORCH_LIB_DIR=${LIBTORCH_LIB_DIR:-$torch_dir/lib}
fi
[ -n "${LIBTORCHSHARP:-}" ] || [ -f "$LIBTORCH_CMAKE_DIR/TorchConfig.cmake" ] || fail "no TorchConfig.cmake in $LIBTORCH_CMAKE_DIR"
log "libtorch: cmake $LIBTORCH_CMAKE_DIR, libraries $LIBTORCH_LIB_DIR"

# LibTorchSharp, as TorchSharp's own src/Native/build.sh configures it (LIBTORCH_PATH), with ninja.
shim=${LIBTORCHSHARP:-$WORK/build/LibTorchSharp/libLibTorchSharp.so}
if [ -z "${LIBTORCHSHARP:-}" ] && { [ "${REBUILD_SHIM:-1}" = 1 ] || [ ! -f "$shim" ]; }; then
  log "building LibTorchSharp"
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  # Bounded by what is left of the deadline, as the reference and the harness are.
  timeout -k 10 "$(left)" cmake -S "$WORK/torchsharp/src/Native" -B "$WORK/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
        -DLIBTORCH_PATH="$LIBTORCH_CMAKE_DIR" -DTorch_DIR="$LIBTORCH_CMAKE_DIR" ${SHIM_CMAKE_ARGS:-} > "$OUT/build.log" 2>&1 \
    || { tail -n 40 "$OUT/build.log"; fail "configuring LibTorchSharp (build.log)"; }
  timeout -k 10 "$(left)" cmake --build "$WORK/build" --target LibTorchSharp -- ${SHIM_BUILD_ARGS:-} >> "$OUT/build.log" 2>&1 \
    || { grep -m 20 -E "error|Error" "$OUT/build.log"; fail "building LibTorchSharp, or out of time (build.log)"; }
fi
[ -f "$shim" ] || fail "no $shim after the build"
log "LibTorchSharp: $shim ($(stat -c %s "$shim") bytes)"

export LD_LIBRARY_PATH="$(dirname "$shim"):$LIBTORCH_LIB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# What the loader will find for the shim and libtorch_cuda: TorchSharp reports a CUDA that fails to load only as
# "not available", without the reason.
{
  echo "== the shim's needs and search path"
  readelf -d "$shim" | grep -E 'NEEDED|R(UN)?PATH'
  echo "== unresolved libraries"
  ldd "$shim" "$LIBTORCH_LIB_DIR"/libtorch_cuda.so 2>/dev/null | grep -E '^/|not found'
  [ -f "$LIBTORCH_LIB_DIR/libtorch_cuda.so" ] && $PYTHON -c "import ctypes, sys; ctypes.CDLL(sys.argv[1]); print('libtorch_cuda.so loads outside torch')" "$LIBTORCH_LIB_DIR/libtorch_cuda.so"
} >> "$OUT/env.txt" 2>&1

export DOTNET_CLI_TELEMETRY_OPTOUT=1
budget=$(( $(left) - 5 ))
[ "$budget" -gt 30 ] || fail "only $budget s left for the harness"
log "harness: --device $DEVICE $* (at most $budget s)"
timeout -k 10 "$budget" "$WORK/harness/DiffusionDsl.GpuHarness" --out "$OUT" --device "$DEVICE" "$@" 2>&1 | tee -a "$OUT/run.log"
status=${PIPESTATUS[0]}
[ "$status" -ne 124 ] && [ "$status" -ne 137 ] || fail "the harness ran out of its $budget s (timings.json holds the runs that finished)"
[ "$status" -eq 0 ] || fail "the harness exited with $status (harness.log; timings.json holds every run, with its error)"
log "done in $(( SECONDS - started )) s; $OUT holds $(du -sh "$OUT" | cut -f1)"
