#!/usr/bin/env bash
# Writes the paper's network code (edm/training, edm/torch_utils, edm/dnnlib of LucasYFL/Multistage_Diffusion) as
# reference/edm/... into the .tar.xz named by $1, for scripts/gpu/time_reference.py; prints the commit it took.
#   bash scripts/gpu/archive-reference.sh OUT.tar.xz      (REFERENCE_REPO, REFERENCE_COMMIT choose the source)
set -euo pipefail
out=$1
REFERENCE_REPO=${REFERENCE_REPO:-/work/.mirror/LucasYFL+Multistage_Diffusion/repo}
REFERENCE_COMMIT=${REFERENCE_COMMIT:-HEAD}
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
# git archive may complain about an unrelated blob the mirror lacks; what matters is that the three folders are in.
git -C "$REFERENCE_REPO" archive --format=tar --prefix=reference/ "$REFERENCE_COMMIT" edm/training edm/torch_utils edm/dnnlib 2>"$errors" |
  xz -T2 -6 > "$out" || true
xz -dc "$out" | tar -t | grep -q 'edm/training/networks.py$' || { cat "$errors" >&2; echo "no reference network code in $REFERENCE_REPO" >&2; exit 1; }
git -C "$REFERENCE_REPO" rev-parse "$REFERENCE_COMMIT"
