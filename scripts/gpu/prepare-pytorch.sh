#!/usr/bin/env bash
# Prepares the PyTorch backend's GPU run (issue 13: the paper's CIFAR-10 config trained by the exported train.py under
# torchrun in bf16, timed beside the reference code's ddpmpp-multistage network on the same GPU) in artifacts/gpu-pytorch/,
# a few hundred KB to carry (`carry: ["artifacts/gpu-pytorch"]`):
#
#   export/           `msd export pytorch examples/Cifar10Paper/Cifar10Multistage.msd`
#   reference.tar.xz  the paper's network code (edm/training, edm/torch_utils, edm/dnnlib) for scripts/gpu/time_reference.py
#
#   bash scripts/gpu/prepare-pytorch.sh    then, on the GPU machine:    bash scripts/gpu/pytorch-backend.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
REFERENCE_REPO=${REFERENCE_REPO:-/work/.mirror/LucasYFL+Multistage_Diffusion/repo}
out=artifacts/gpu-pytorch
rm -rf "$out" && mkdir -p "$out"
dotnet run --project cli -c Release -- export pytorch examples/Cifar10Paper/Cifar10Multistage.msd -o "$out/export"
echo "reference: LucasYFL/Multistage_Diffusion $(REFERENCE_REPO="$REFERENCE_REPO" bash scripts/gpu/archive-reference.sh "$out/reference.tar.xz")" > "$out/MANIFEST.txt"
echo "carry: $(du -sb "$out" | cut -f1) bytes" >> "$out/MANIFEST.txt"
cat "$out/MANIFEST.txt"
