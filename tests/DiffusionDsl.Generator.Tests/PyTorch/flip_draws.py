"""Which images an exported train.py flips: python3 flip_draws.py EXPORT_DIR SEED N STEPS.
Prints one line per step 0..STEPS-1: 1 for each of N images flipped, else 0, space-separated."""
import sys

import torch

sys.path.insert(0, sys.argv[1])
import train  # noqa: E402

seed, n, steps = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
# Each image [1, 1, 2]: [0, 1], so a flipped one starts with 1.
images = torch.tensor([0.0, 1.0]).reshape(1, 1, 1, 2).repeat(n, 1, 1, 1)
for step in range(steps):
    print(" ".join(str(int(v)) for v in train.random_flip(images, seed, step)[:, 0, 0, 0]))
