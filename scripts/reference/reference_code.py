"""What the reference-fixture scripts share: their command line, importing the paper's networks.py, reading and writing
safetensors files."""
import argparse
import importlib.util
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'convert'))
from safetensors_file import read_safetensors, write_safetensors  # noqa: E402,F401  (re-exported for the fixture scripts)


REFERENCE_FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tests', 'Fixtures', 'Reference')


def fixture_arguments(doc, out=REFERENCE_FIXTURES):
    """--reference (a checkout of the reference repository) and --out (where the fixtures go), with the script's doc as help."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--reference', required=True)
    parser.add_argument('--out', default=out)
    return parser.parse_args()


def scramble(net, generator):
    """Replaces the near-zero initial weights with O(1) ones so every layer and every decoder shows in the output: norms
    about (1, 0), other vectors about 0, matrices and kernels with unit-variance outputs (by fan-in; score_sde's NIN
    layers keep their W as [in, out])."""
    with torch.no_grad():
        for name, p in net.named_parameters():
            if 'norm' in name.lower():  # EDM's norm0/norm1/norm2, score_sde's GroupNorm_0/1
                p.copy_((1.0 if name.endswith('weight') else 0.0) + 0.1 * torch.randn(p.shape, generator=generator))
            elif p.dim() == 1:
                p.copy_(0.1 * torch.randn(p.shape, generator=generator))
            else:
                fan_in = p.shape[0] if name.endswith('.W') else p[0].numel()
                p.copy_(torch.randn(p.shape, generator=generator) / np.sqrt(fan_in))


def load_networks(reference):
    """The reference's training.networks module, from a checkout of LucasYFL/Multistage_Diffusion or any folder holding
    its edm/training, edm/torch_utils and edm/dnnlib (scripts/gpu/archive-reference.sh writes one), or those three."""
    edm = os.path.join(reference, 'edm')
    sys.path.insert(0, edm if os.path.isdir(edm) else reference)
    from training import networks  # noqa: E402  (the reference's module)
    return networks


def load_module(path, name):
    """A reference source file run as a module of its own name, unchanged."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


