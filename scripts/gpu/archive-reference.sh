#!/usr/bin/env bash
# Writes the paper's network code (edm/training, edm/torch_utils, edm/dnnlib of LucasYFL/Multistage_Diffusion) as
# reference/edm/... into the .tar.xz named by $1, for scripts/gpu/time_reference.py; prints the commit it took.
#   bash scripts/gpu/archive-reference.sh OUT.tar.xz      (REFERENCE_REPO, REFERENCE_COMMIT choose the source)
set -euo pipefail
out=$1
REFERENCE_REPO=${REFERENCE_REPO:-/work/.mirror/LucasYFL+Multistage_Diffusion/repo}
REFERENCE_COMMIT=${REFERENCE_COMMIT:-HEAD}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# File by file (git show), not git archive: the mirror lacks a blob elsewhere in the tree (latent-diffusion/assets), and
# git archive refuses the whole tree for it even when asked for three folders.
git -C "$REFERENCE_REPO" ls-tree -r --name-only "$REFERENCE_COMMIT" -- edm/training edm/torch_utils edm/dnnlib |
  while IFS= read -r path; do
    mkdir -p "$work/reference/$(dirname "$path")"
    git -C "$REFERENCE_REPO" show "$REFERENCE_COMMIT:$path" > "$work/reference/$path"
  done
[ -f "$work/reference/edm/training/networks.py" ] || { echo "no reference network code in $REFERENCE_REPO" >&2; exit 1; }
tar -C "$work" -cf - reference | xz -T2 -6 > "$out"
git -C "$REFERENCE_REPO" rev-parse "$REFERENCE_COMMIT"
