"""Runs an exported train.py's augmentation on the cases of tests/Fixtures/Augmentation/edm-augment.json (EDM's
augment.py with fixed parameters): python3 augment_cases.py EXPORT_DIR FIXTURE. Prints "name image_error label_error"."""
import json
import math
import sys

import torch

sys.path.insert(0, sys.argv[1])
import train  # noqa: E402

with open(sys.argv[2]) as f:
    fixture = json.load(f)
for case in fixture["cases"]:
    n, c, h, w = case["shape"]
    image = torch.tensor([[[[math.sin(0.37 * x + 0.61 * y * y / h + 1.3 * k + 2.9 * b) + 0.05 * x - 0.03 * y for x in range(w)]
                            for y in range(h)] for k in range(c)] for b in range(n)], dtype=torch.float32)
    parameters = {name: torch.tensor(case["params"][name], dtype=torch.float32) for name in train.AUGMENT_NAMES}
    images, labels = train.apply_augmentation(image, parameters)
    image_error = (images - torch.tensor(case["output"]).view(n, c, h, w)).abs().max().item()
    label_error = (labels - torch.tensor(case["labels"]).view(n, 9)).abs().max().item()
    print(case["name"], image_error, label_error)
