#!/usr/bin/env python3
"""Writes the optimal-denoiser fixture: the paper code's own exact posterior mean over a training set
(dpm-solver/interval_split/interval_split.py's get_optimal_sol, which its boundary search runs at every sampled time, with
its sde_lib.VPSDE) on a tiny data set, for one image and noise at several times.

    /usr/bin/python3 scripts/reference/make_clustering_fixture.py --reference /path/to/Multistage_Diffusion [--out tests/Fixtures/Reference]

interval_split.py imports absl, ml_collections and its data module at the top for its command line; they are stood in
for here (get_optimal_sol uses none of them), so the function that runs is the reference's own, unchanged. It returns
E[x0 | x_t] whichever loss_func its config names. The data are 64 images 1x4x4 in [0, 1], as its data loader gives
them; the 3 batches of its loop are kept, so its running sums over batches are exercised.
"""
import os
import sys
import types

import torch

from reference_code import fixture_arguments, load_module, write_safetensors

TIMES = (0.001, 0.051, 0.201, 0.451, 0.651, 1.0)


def load_interval_split(reference):
    folder = os.path.join(reference, 'dpm-solver', 'interval_split')
    folder = folder if os.path.isdir(folder) else reference
    sys.path.insert(0, folder)  # its own sde_lib
    flags = types.SimpleNamespace(FLAGS=None, mark_flags_as_required=lambda *a, **k: None)
    stand_ins = {
        'dataset': types.SimpleNamespace(get_dataset=None),
        'absl': types.SimpleNamespace(app=None, flags=flags), 'absl.app': types.SimpleNamespace(), 'absl.flags': flags,
        'ml_collections': types.SimpleNamespace(),
        'ml_collections.config_flags': types.SimpleNamespace(config_flags=types.SimpleNamespace(DEFINE_config_file=lambda *a, **k: None)),
    }
    for name, module in stand_ins.items():
        sys.modules.setdefault(name, module)
    return load_module(os.path.join(folder, 'interval_split.py'), 'reference_interval_split')


def main():
    args = fixture_arguments(__doc__)
    reference = load_interval_split(args.reference)
    torch.manual_seed(0)
    data = torch.rand(64, 1, 4, 4)
    x0, z = data[7:8].clone(), torch.randn(1, 1, 4, 4)
    loader = [(data[:20], None), (data[20:45], None), (data[45:], None)]
    config = types.SimpleNamespace(exp=types.SimpleNamespace(loss_func='epsilon'))
    sde = reference.sde_lib.VPSDE(0.1, 20, 1000)
    means = torch.cat([reference.get_optimal_sol(x0, z, sde, t, loader, config) for t in TIMES])
    meta = {'source': 'LucasYFL/Multistage_Diffusion dpm-solver/interval_split/interval_split.py get_optimal_sol',
            'torch': torch.__version__, 'sde': 'VPSDE(beta_min=0.1, beta_max=20, N=1000)', 'times': str(TIMES)}
    path = os.path.join(args.out, 'optimal_denoiser.safetensors')
    write_safetensors(path, {'data': data, 'x0': x0, 'z': z, 'times': torch.tensor(TIMES, dtype=torch.float64),
                             'posterior_means': means.to(torch.float64)}, meta, sort_names=False)
    print(f'{path}: E[x0 | x_t] at {len(TIMES)} times; distance from x0 {[round((m - x0[0]).abs().max().item(), 4) for m in means]}')


if __name__ == '__main__':
    main()
