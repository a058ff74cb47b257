#!/usr/bin/env python3
"""Writes the NCSN++ network-equality fixture for the paper's VP models: a tiny network built by the paper's own
score_sde code (dpm-solver/score_sde_pytorch/models/ncsnpp_multistage.py, NCSNpp_multimodel, configured as the
multistage CIFAR-10 config configs/vp/cifar10_ncsnpp_multistage_deep_continuous_v2.py configures it: BigGAN blocks, FIR
[1, 3, 3, 1], progressive_input 'residual', positional embedding, skip_rescale, GroupNorm groups min(C / 4, 16)), saved
by the reference's own utils.save_checkpoint with an EMA (models/ema.py) that differs from the weights, and, for fixed
inputs with t inside each stage, its raw output F(x_t, 999 t) under the weights and under the EMA.

    /usr/bin/python3 scripts/reference/make_score_sde_network_fixture.py --reference /path/to/Multistage_Diffusion [--out tests/Fixtures/Reference]

Writes multistage-vp-ncsnpp.checkpoint.pth (the reference's names and format) and multistage-vp-ncsnpp.cases.safetensors.
The test converts the checkpoint with the shipped converter (scripts/convert/score_sde_weights.py) and imports it into
the .msd twin, tests/DiffusionDsl.Generator.Tests/Models/ReferenceScoreSdeNcsnpp.msd (`encoder ncsnpp`, `embedding
positional`, `middle encoder`: score_sde's middle blocks are in the shared encoder).

score_sde's upfirdn2d is a CUDA extension compiled on import; on the CPU it runs its own upfirdn2d_native, so the
compilation is skipped (cpp_extension.load returns nothing) and every other line runs unchanged.
"""
import os
import sys
import types

import torch
import torch.utils.cpp_extension

from reference_code import fixture_arguments, scramble, write_safetensors

IMAGE, CHANNELS = 16, 3
EN_NF, DE_NFS, CH_MULT, BLOCKS, ATTENTION, GROUPS = 8, [12, 8, 4], (1, 2, 2), 1, (8,), 16
BOUNDARIES = [0.3, 0.6]  # in t
TIMES = [0.01, 0.12, 0.2, 0.29, 0.31, 0.42, 0.5, 0.59, 0.61, 0.75, 0.9, 1.0]


def network(reference):
    root = os.path.join(reference, 'dpm-solver', 'score_sde_pytorch')
    sys.path.insert(0, root if os.path.isdir(root) else reference)
    torch.utils.cpp_extension.load = lambda *args, **kwargs: None
    from models import ncsnpp_multistage  # noqa: E402  (the reference's module)
    ns = types.SimpleNamespace
    config = ns(
        data=ns(image_size=IMAGE, num_channels=CHANNELS, centered=True),
        model=ns(sigma_min=0.01, sigma_max=50, num_scales=1000, nonlinearity='swish', group=GROUPS, en_nf=EN_NF, de_nfs=DE_NFS,
                 stage_num=3, stage_interval=[[[0, BOUNDARIES[0]]], [[BOUNDARIES[0], BOUNDARIES[1]]], [[BOUNDARIES[1], 1]]],
                 ch_mult=CH_MULT, num_res_blocks=BLOCKS, attn_resolutions=ATTENTION, dropout=0.0, resamp_with_conv=True,
                 conditional=True, fir=True, fir_kernel=[1, 3, 3, 1], skip_rescale=True, resblock_type='biggan', progressive='none',
                 progressive_input='residual', progressive_combine='sum', attention_type='ddpm', embedding_type='positional',
                 init_scale=0.0, conv_size=3, fourier_scale=16, scale_by_sigma=False))
    torch.manual_seed(0)
    return ncsnpp_multistage.NCSNpp_multimodel(config).eval()


def with_decoder(net, stage):
    net.stage_interval = [[[2.0, 2.0]] if k != stage else [[-1.0, 2.0]] for k in range(len(DE_NFS))]


def outputs(net, x, t):
    """The raw output per sample, one at a time (the reference routes a batch by its first sample), through the decoder
    of the runtime's rule ([start, end) in t); and which decoder the reference's own routing picked."""
    raw, stage, reference_stage = [], [], []
    original = net.stage_interval
    with torch.no_grad():
        for i in range(len(TIMES)):
            labels = (t[i:i + 1] * 999).float()
            net.stage_interval = original
            own = net(x[i:i + 1], labels)
            per_decoder = []
            for d in range(len(DE_NFS)):
                with_decoder(net, d)
                per_decoder.append(net(x[i:i + 1], labels))
            reference_stage.append([d for d in range(len(DE_NFS)) if torch.equal(per_decoder[d], own)][0])
            k = sum(1 for b in BOUNDARIES if TIMES[i] >= b)
            stage.append(k)
            raw.append(per_decoder[k])
    net.stage_interval = original
    return torch.cat(raw), torch.tensor(stage), torch.tensor(reference_stage)


def main():
    args = fixture_arguments(__doc__)
    net = network(args.reference)
    import utils  # noqa: E402  (the reference's save_checkpoint)
    from models.ema import ExponentialMovingAverage  # noqa: E402
    scramble(net, torch.Generator().manual_seed(10))
    ema = ExponentialMovingAverage(net.parameters(), decay=0.999)  # its shadow: these weights
    scramble(net, torch.Generator().manual_seed(11))  # the trained weights: others
    g = torch.Generator().manual_seed(12)
    t = torch.tensor(TIMES, dtype=torch.float64)
    x = torch.randn([len(TIMES), CHANNELS, IMAGE, IMAGE], generator=g)
    raw_model, stage, reference_stage = outputs(net, x, t)

    class Wrapped(torch.nn.Module):  # as run_lib.py's DistributedDataParallel holds it: keys start with module.
        def __init__(self):
            super().__init__()
            self.module = net

    state = dict(optimizer=torch.optim.Adam(net.parameters()), model=Wrapped(), ema=ema, step=7)
    os.makedirs(args.out, exist_ok=True)
    utils.save_checkpoint(os.path.join(args.out, 'multistage-vp-ncsnpp.checkpoint.pth'), state)
    ema.copy_to(net.parameters())  # as the reference's sampling uses the EMA
    raw_ema, _, _ = outputs(net, x, t)
    meta = {'source': 'LucasYFL/Multistage_Diffusion dpm-solver/score_sde_pytorch/models/ncsnpp_multistage.py', 'torch': torch.__version__,
            'model': 'NCSNpp_multimodel'}
    write_safetensors(os.path.join(args.out, 'multistage-vp-ncsnpp.cases.safetensors'),
                      dict(x=x, t=t, raw_model=raw_model, raw_ema=raw_ema, stage=stage, reference_stage=reference_stage), meta)
    print(f'multistage-vp-ncsnpp: {sum(p.numel() for p in net.parameters()):,} weights; stages {stage.tolist()}, reference {reference_stage.tolist()}')


if __name__ == '__main__':
    main()
