"""Runs an exported PyTorch model on the cases a C# test wrote: python3 compute_outputs.py EXPORT_DIR MODULE WEIGHTS CASES OUT."""
import importlib
import sys

import torch

export_dir, module, weights, cases_path, out_path = sys.argv[1:6]
sys.path.insert(0, export_dir)
exported = importlib.import_module(module)
torch.manual_seed(0)
model = exported.create_model()
model.load_weights(weights, exported.SOURCE_HASH)
model.eval()
cases, _ = exported.read_safetensors(cases_path)
outputs = {}
with torch.no_grad():
    for case in sorted({name.split(".")[0] for name in cases}):
        x, t, eps = cases[f"{case}.x"], cases[f"{case}.t"], cases[f"{case}.eps"]
        labels = cases.get(f"{case}.labels")
        outputs[f"{case}.raw"] = model(x, t, labels)
        outputs[f"{case}.denoised"] = model.denoise(x, t)[0]
        outputs[f"{case}.loss"] = model.loss(x, t, eps, labels)
        outputs[f"{case}.stage"] = model.stage_of(t)
exported.write_safetensors(out_path, outputs)
