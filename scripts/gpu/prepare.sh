#!/usr/bin/env bash
# Prepares, on a machine with the .NET SDK, what the GPU machine needs (it has PyTorch, CUDA, nvcc, cmake and ninja but no
# .NET and no network), in artifacts/gpu/, within the 64 MiB a device call carries (pass `carry: ["artifacts/gpu"]`):
#
#   harness.tar.xz          a self-contained linux-x64 publish of benchmarks/DiffusionDsl.GpuHarness built with
#                           -p:TorchBackend=managed: TorchSharp's managed assembly, no libtorch and no LibTorchSharp
#   libtorchsharp-src.tar.xz  TorchSharp's src/Native (LibTorchSharp) at the commit of the version the project uses,
#                           with scripts/gpu/patches applied
#   reference.tar.xz        the paper's network code (edm/training, torch_utils, dnnlib) for scripts/gpu/time_reference.py
#   MANIFEST.txt            what went in, the commit and the sizes
#
# scripts/gpu/run-on-gpu.sh, on the GPU machine, builds LibTorchSharp against the installed PyTorch and runs the harness.
#
#   bash scripts/gpu/prepare.sh
#   TORCHSHARP_REPO=/path/to/TorchSharp.git TORCHSHARP_COMMIT=<sha> REFERENCE_REPO=/path/to/Multistage_Diffusion.git bash scripts/gpu/prepare.sh
set -euo pipefail
# What travels besides the carried paths: the tracked files and the untracked ones git does not ignore.
tree_bytes() { git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | awk '$2 == "total" {sum += $1} END {print sum + 0}'; }
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# TorchSharp 0.107.0: dotnet/TorchSharp c20b6a1c ("Update release notes (#1565)"), whose build/BranchInfo.props says
# 0.107.0 and whose RELEASENOTES.md tops with "NuGet Version 0.107.0"; the mirror has no v0.107.0 tag.
TORCHSHARP_REPO=${TORCHSHARP_REPO:-/work/.mirror/dotnet+TorchSharp/repo}
TORCHSHARP_COMMIT=${TORCHSHARP_COMMIT:-c20b6a1c}
REFERENCE_REPO=${REFERENCE_REPO:-/work/.mirror/LucasYFL+Multistage_Diffusion/repo}
REFERENCE_COMMIT=${REFERENCE_COMMIT:-HEAD}
out=artifacts/gpu
stage=$(mktemp -d /tmp/gpu-prepare.XXXXXX)
trap 'rm -rf "$stage"' EXIT
rm -rf "$out" && mkdir -p "$out"

version=$(git -C "$TORCHSHARP_REPO" show "$TORCHSHARP_COMMIT:build/BranchInfo.props" | tr -d ' \n' |
          sed -n 's/.*<MajorVersion>\([0-9]*\)<\/MajorVersion><MinorVersion>\([0-9]*\)<\/MinorVersion><PatchVersion>\([0-9]*\)<\/PatchVersion>.*/\1.\2.\3/p')
wanted=$(sed -n 's/.*<TorchSharpVersion>\(.*\)<\/TorchSharpVersion>.*/\1/p' Directory.Build.props)
if [ "$version" != "$wanted" ]; then
  echo "TorchSharp commit $TORCHSHARP_COMMIT is version '$version', the project uses $wanted" >&2; exit 1
fi

# 1. The harness, self-contained, without libtorch. The generator runs from generator/bin (build/UseGenerator.props), so
#    it is built first; the publish goes through its own artifacts path so the CPU build's obj/ folders stay as they are.
dotnet build generator/DiffusionDsl.Generator.csproj -c Release -v q -nologo | grep -E "error|Warn|Elapsed" || true
dotnet publish benchmarks/DiffusionDsl.GpuHarness/DiffusionDsl.GpuHarness.csproj -c Release -p:HarnessSelfContained=true \
  -p:TorchBackend=managed -p:DebugType=none -p:GenerateDocumentationFile=false \
  --artifacts-path "$stage/build" -o "$stage/harness" -v q -nologo | grep -E "error|Elapsed" || true
test -x "$stage/harness/DiffusionDsl.GpuHarness" || { echo "the publish failed" >&2; exit 1; }
if ls "$stage/harness" | grep -E '^lib(torch|c10|LibTorchSharp)' >/dev/null; then
  echo "the publish holds libtorch or LibTorchSharp; it must not" >&2; exit 1
fi
tar -C "$stage" -cf - harness | xz -T2 -6 > "$out/harness.tar.xz"

# 2. LibTorchSharp's sources at that commit, patched for newer libtorch headers and compilers.
git -C "$TORCHSHARP_REPO" archive --format=tar --prefix=torchsharp/ "$TORCHSHARP_COMMIT" src/Native | tar -C "$stage" -xf -
for patch in scripts/gpu/patches/*.patch; do
  [ -f "$patch" ] || continue
  patch -d "$stage/torchsharp" -p1 --forward < "$patch"
done
tar -C "$stage" -cf - torchsharp | xz -T2 -6 > "$out/libtorchsharp-src.tar.xz"

# 3. The reference network code for the ratio.
if git -C "$REFERENCE_REPO" rev-parse --verify -q "$REFERENCE_COMMIT^{commit}" >/dev/null; then
  reference_sha=$(REFERENCE_REPO="$REFERENCE_REPO" REFERENCE_COMMIT="$REFERENCE_COMMIT" bash scripts/gpu/archive-reference.sh "$out/reference.tar.xz")
else
  reference_sha="(not found at $REFERENCE_REPO: the reference timing is skipped)"
fi

{
  echo "DiffusionDsl $(git rev-parse --short HEAD) prepared $(date -u +%FT%TZ)"
  echo "TorchSharp $version: dotnet/TorchSharp $(git -C "$TORCHSHARP_REPO" rev-parse "$TORCHSHARP_COMMIT") src/Native"
  echo "reference: LucasYFL/Multistage_Diffusion $reference_sha"
  echo "harness publish: $(du -sb "$stage/harness" | cut -f1) bytes in $(find "$stage/harness" -type f | wc -l) files"
  (cd "$out" && ls -l --block-size=1 *.tar.xz | awk '{print $5, $9}')
  echo "carry: $(du -sb "$out" | cut -f1) bytes here + $(tree_bytes) bytes of working tree = $(( $(du -sb "$out" | cut -f1) + $(tree_bytes) )) (limit 67108864)"
} > "$out/MANIFEST.txt"
cat "$out/MANIFEST.txt"
# The working tree travels with the carried paths, inside the same 64 MiB.
total=$(( $(du -sb "$out" | cut -f1) + $(tree_bytes) ))
[ "$total" -lt 67108864 ] || { echo "artifacts/gpu and the working tree together are over the 64 MiB a device call carries" >&2; exit 1; }
