"""Builds and runs every exported model listed in MANIFEST (lines: folder module parameters channels size):
python3 run_exports.py MANIFEST. Prints one line per model: "folder ok" or "folder FAILED: reason"."""
import importlib.util
import os
import sys
import traceback

import torch

torch.manual_seed(0)
for line in open(sys.argv[1]):
    folder, module, parameters, channels, size = line.split()
    try:
        spec = importlib.util.spec_from_file_location(f"{module}_{os.path.basename(folder)}", os.path.join(folder, module + ".py"))
        exported = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(exported)
        model = exported.create_model().eval()
        counted = sum(p.numel() for p in model.parameters())
        if counted != int(parameters):
            raise AssertionError(f"{counted} parameters, the compiler's cost table says {parameters}")
        # Two samples in every stage, all in one batch: each stage's samples go through its own decoder.
        t = torch.tensor([s.start + f * (s.end - s.start) for s in model.stages for f in (0.3, 0.7)], dtype=torch.float64)
        t = t.clamp(min=max(model.schedule.min_time, 1e-3))
        x = torch.randn(t.shape[0], int(channels), int(size), int(size))
        with torch.no_grad():
            data, noise = model.denoise(x, t)
        if tuple(data.shape) != tuple(x.shape) or not bool(torch.isfinite(data).all()):
            raise AssertionError(f"denoised shape {list(data.shape)} or non-finite values")
        print(folder, "ok")
    except Exception:
        print(folder, "FAILED:", traceback.format_exc().replace("\n", " | "))
