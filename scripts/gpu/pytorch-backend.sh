#!/usr/bin/env bash
# Runs on the GPU machine from the repository root, with artifacts/gpu-pytorch/ from scripts/gpu/prepare-pytorch.sh:
#
#   bash scripts/gpu/pytorch-backend.sh            (BATCH=128 STEPS=20 TRAIN_STEPS=200 DEVICE=cuda by default)
#
# 1. the reference's EDMPrecond(MultistageUNet) training step and Heun sampling, fp32 (scripts/gpu/time_reference.py);
# 2. the exported module's training step and sampling at the same batch, fp32 and bf16 (scripts/gpu/time_pytorch_export.py);
# 3. the exported train.py under torchrun on one GPU for TRAIN_STEPS steps in bf16, on random CIFAR-10-shaped binary
#    batches (the timing does not depend on the pixels; nothing is downloaded), its images/s from its own log.
# Writes to $OUT (default runs/gpu-pytorch): timings-*.json, train.log, summary.json.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$root/runs/gpu-pytorch}
PYTHON=${PYTHON:-python3}
DEVICE=${DEVICE:-cuda}
BATCH=${BATCH:-128}
STEPS=${STEPS:-20}
TRAIN_STEPS=${TRAIN_STEPS:-200}
ARTIFACTS=${GPU_PYTORCH_ARTIFACTS:-$root/artifacts/gpu-pytorch}
WORK=$(mktemp -d /tmp/msd-gpu-pytorch.XXXXXX)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
log() { echo "[pytorch-backend $(date -u +%T)] $*" | tee -a "$OUT/run.log"; }

log "torch: $("$PYTHON" -c 'import torch; print(torch.__version__, torch.version.cuda, torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")' 2>&1)"
tar -C "$WORK" -xJf "$ARTIFACTS/reference.tar.xz"
export_dir="$ARTIFACTS/export"

log "reference network, fp32, batch $BATCH"
"$PYTHON" "$root/scripts/gpu/time_reference.py" --reference "$WORK/reference" --device "$DEVICE" --batch "$BATCH" --steps "$STEPS" \
  --sample-batch "$BATCH" --out "$OUT/timings-reference.json" > "$OUT/reference.log" 2>&1 || log "reference timing failed (reference.log)"
for precision in off on; do
  log "exported module, bf16 $precision, batch $BATCH"
  "$PYTHON" "$root/scripts/gpu/time_pytorch_export.py" --export "$export_dir" --device "$DEVICE" --batch "$BATCH" --steps "$STEPS" \
    --bf16 "$precision" --sample-batch "$BATCH" --out "$OUT/timings-export-bf16-$precision.json" > "$OUT/export-bf16-$precision.log" 2>&1 \
    || log "export timing (bf16 $precision) failed (export-bf16-$precision.log)"
done

log "train.py under torchrun, 1 process, bf16 on CUDA, $TRAIN_STEPS steps at batch $BATCH"
"$PYTHON" - "$WORK/cifar" <<'PY'
import os, sys, torch
os.makedirs(sys.argv[1], exist_ok=True)
records = torch.randint(0, 256, (4096, 3073), generator=torch.Generator().manual_seed(0), dtype=torch.uint8)
open(os.path.join(sys.argv[1], "data_batch_1.bin"), "wb").write(records.numpy().tobytes())
PY
"$PYTHON" -m torch.distributed.run --standalone --nproc_per_node 1 --redirects 1 --tee 1 "$export_dir/train.py" \
  --data "$WORK/cifar" --out "$WORK/run" --steps "$TRAIN_STEPS" --batch "$BATCH" --log-every 20 --checkpoint-every 0 --device "$DEVICE" \
  > "$OUT/train.log" 2>&1 || log "train.py failed (train.log)"

"$PYTHON" - "$OUT" <<'PY'
import glob, json, os, re, sys
out = sys.argv[1]
summary = {os.path.basename(p)[:-5]: json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, "timings-*.json")))}
rates = [float(m) for m in re.findall(r"([0-9.]+) images/s", open(os.path.join(out, "train.log")).read())] if os.path.exists(os.path.join(out, "train.log")) else []
summary["train.py images/s (log steps after the first)"] = rates[1:]
json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=2)
for name, t in summary.items():
    if isinstance(t, dict):
        print(f"{name}: {t['seconds_per_step'] * 1000:.1f} ms/step, {t['train_images_per_second']:.1f} train images/s, {t['sample_images_per_second']:.1f} sample images/s")
print("train.py images/s:", rates[1:])
PY
rm -rf "$WORK"
