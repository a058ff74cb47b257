#!/usr/bin/env bash
# Rehearses scripts/gpu/run-on-gpu.sh on this machine's CPU, against a libtorch newer than TorchSharp's pin, so that the
# one GPU call has been run end to end before: LibTorchSharp built from TorchSharp's sources (with scripts/gpu/patches)
# against that libtorch's headers, and the self-contained harness run on the result.
#
#   sudo bash scripts/gpu/rehearse-on-cpu.sh [harness arguments]
#
# Where to get such a libtorch here: not NuGet (its libtorch packages carry no headers), not the Python registry (not
# reachable); Debian testing's libtorch-dev is one (2.14.1 on 2026-11-27), but its libraries need a newer glibc than
# Debian 12's. So this builds a Debian testing root with debootstrap ($ROOTFS, default /srv/msd-rehearsal, about 2.8 GB;
# made once, reused after), installs libtorch-dev, python3-torch, cmake, ninja and g++ in it, and runs run-on-gpu.sh
# there with DEVICE=cpu, the repository and artifacts/gpu (scripts/gpu/prepare.sh, run first when missing) bind-mounted.
# Needs root (debootstrap, chroot, mounts) and deb.debian.org. Writes $OUT (default runs/gpu-rehearsal): what
# run-on-gpu.sh writes (run.log, build.log, env.txt, harness.log, timings.json, samples-*.png, timings-reference.json).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ROOTFS=${ROOTFS:-/srv/msd-rehearsal}
SUITE=${SUITE:-forky}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
OUT=${OUT:-$root/runs/gpu-rehearsal}
[ $# -gt 0 ] || set -- --models quickstart,cifar10 --steps 20 --warmup 2 --quick-batch 24 --cifar-batch 4 --samples 4 --precision fp32,bf16
log() { echo "[rehearse $(date -u +%T)] $*"; }

[ "$(id -u)" = 0 ] || { echo "needs root: debootstrap, chroot and bind mounts" >&2; exit 1; }
# The rehearsal tests the code as it is: artifacts/gpu is prepared anew whenever dotnet is here (an earlier one would
# rehearse an earlier harness). sudo's secure_path may leave dotnet out: then run prepare.sh as yourself first.
if command -v dotnet >/dev/null; then
  bash "$root/scripts/gpu/prepare.sh"
elif [ -f "$root/artifacts/gpu/harness.tar.xz" ]; then
  log "no dotnet on PATH: rehearsing the artifacts/gpu prepared at $(date -u -r "$root/artifacts/gpu/harness.tar.xz" +%FT%TZ)"
else
  echo "no artifacts/gpu and no dotnet on PATH: run scripts/gpu/prepare.sh first" >&2; exit 1
fi

mounted=()
bind() { mkdir -p "$2" && mount --bind "$1" "$2" && mounted=("$2" "${mounted[@]}"); }
release() { for m in "${mounted[@]}"; do umount "$m" 2>/dev/null || umount -l "$m"; done; }
trap release EXIT

# The mirror's snapshot of testing may be older than its Release file's Valid-Until allows.
apt_options=(-o Acquire::Check-Valid-Until=false -o Dpkg::Use-Pty=0)
# Written once the root has everything; a root without it is unfinished.
ready="$ROOTFS/.msd-rehearsal-ready"
if [ ! -f "$ready" ]; then
  # Not removed here: a stopped run may have left /proc or /dev bind-mounted inside it.
  if [ -e "$ROOTFS" ] && [ -n "$(ls -A "$ROOTFS" 2>/dev/null)" ]; then
    echo "$ROOTFS is an unfinished root: unmount what is mounted under it (findmnt -R $ROOTFS), remove it, and rerun" >&2; exit 1
  fi
  command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
  log "debootstrap $SUITE into $ROOTFS"
  # Debian 12's debootstrap has no script named after testing; sid's fits every newer suite.
  debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$ROOTFS" "$MIRROR" /usr/share/debootstrap/scripts/sid > "$ROOTFS.debootstrap.log" 2>&1 \
    || { tail -n 20 "$ROOTFS.debootstrap.log"; exit 1; }
  echo "deb $MIRROR $SUITE main" > "$ROOTFS/etc/apt/sources.list"
  cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
  for fs in proc sys dev dev/pts; do bind "/$fs" "$ROOTFS/$fs"; done   # package scripts may need them
  log "installing libtorch-dev, python3-torch, cmake, ninja, g++ in it"
  chroot "$ROOTFS" apt-get "${apt_options[@]}" update -qq
  chroot "$ROOTFS" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_options[@]}" install -y -qq --no-install-recommends \
    libtorch-dev python3-torch cmake ninja-build g++ make xz-utils libicu-dev > "$ROOTFS.apt.log" 2>&1 || { tail -n 20 "$ROOTFS.apt.log"; exit 1; }
  touch "$ready"
fi

for fs in proc sys dev dev/pts; do mountpoint -q "$ROOTFS/$fs" || bind "/$fs" "$ROOTFS/$fs"; done
bind "$root" "$ROOTFS/work/repo"

# Debian puts TorchConfig.cmake and the libraries under its multiarch folders, not in the Python package.
multiarch=$(chroot "$ROOTFS" gcc -print-multiarch)
rm -rf "$ROOTFS/tmp/rehearsal-out" && mkdir -p "$ROOTFS/tmp/rehearsal-out"
log "run-on-gpu.sh on the CPU: $*"
status=0
# The reference network at the GPU's batch 64 would take most of an hour on 2 cores: a few small steps show it runs.
# The GPU call's deadline (540 s) does not fit a 2-core build: an hour here.
chroot "$ROOTFS" env OUT=/tmp/rehearsal-out GPU_WORK=/tmp/msd-gpu DEVICE=cpu DEADLINE_S="${DEADLINE_S:-3600}" \
  REFERENCE_ARGS="${REFERENCE_ARGS:---batch 4 --steps 3 --warmup 1 --sample-batch 2}" \
  LIBTORCH_CMAKE_DIR="/usr/lib/$multiarch/cmake/Torch" LIBTORCH_LIB_DIR="/usr/lib/$multiarch" \
  bash /work/repo/scripts/gpu/run-on-gpu.sh "$@" || status=$?
rm -rf "$OUT" && mkdir -p "$OUT" && cp -r "$ROOTFS/tmp/rehearsal-out/." "$OUT/"
log "run-on-gpu.sh exited with $status; its output is in $OUT"
exit "$status"
