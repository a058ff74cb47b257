"""Draws training times with an exported train.py's TimeSampler: python3 stage_draws.py EXPORT_DIR POLICY GROUPS N SEED BATCHES.
Prints one line per batch: the stage of each of its N times, space-separated."""
import sys

import torch

sys.path.insert(0, sys.argv[1])
import train  # noqa: E402

policy, groups, n, seed, batches = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
model = train.spec.create_model()
sampler = train.TimeSampler(model, policy, groups)
generator = torch.Generator().manual_seed(seed)
for _ in range(batches):
    print(" ".join(str(int(k)) for k in model.stage_of(sampler.sample(n, generator))))
