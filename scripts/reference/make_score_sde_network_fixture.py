#!/usr/bin/env python3
"""Writes the NCSN++ network-equality fixture for the paper's VP models: a tiny network built by the paper's own
score_sde code (dpm-solver/score_sde_pytorch/models/ncsnpp_multistage.py, NCSNpp_multimodel, configured as the
multistage CIFAR-10 config configs/vp/cifar10_ncsnpp_multistage_deep_continuous_v2.py configures it: BigGAN blocks, FIR
[1, 3, 3, 1], progressive_input 'residual', positional embedding, skip_rescale, GroupNorm groups min(C / 4, 16)), its
weights and, for fixed inputs with t inside each stage, its raw output F(x_t, 999 t).

    /usr/bin/python3 scripts/reference/make_score_sde_network_fixture.py --reference /path/to/Multistage_Diffusion [--out tests/Fixtures/Reference]

The weights are written under the names of EDM's networks.py (the reference layout the runtime imports), by the name
map below: score_sde numbers its modules (en_modules.N, de_modules.K.N) and keeps attention as a block of its own,
where EDM's UNetBlock holds it (norm2, and q, k and v as one 1x1 conv whose output channels interleave them). The map
is checked by the test that uses it: a wrong map cannot give the reference's outputs. The .msd twin is
tests/DiffusionDsl.Generator.Tests/Models/ReferenceScoreSdeNcsnpp.msd (`encoder ncsnpp`, `embedding positional`,
`middle encoder`: score_sde's middle blocks are in the shared encoder).

score_sde's upfirdn2d is a CUDA extension compiled on import; on the CPU it runs its own upfirdn2d_native, so the
compilation is skipped (cpp_extension.load returns nothing) and every other line runs unchanged.
"""
import os
import sys
import types

import numpy as np
import torch
import torch.utils.cpp_extension

from reference_code import fixture_arguments, write_safetensors

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


def scramble(net, generator):
    """O(1) weights, so every layer and every decoder shows in the output."""
    with torch.no_grad():
        for name, p in net.named_parameters():
            if 'GroupNorm' in name:
                p.copy_((1.0 if name.endswith('weight') else 0.0) + 0.1 * torch.randn(p.shape, generator=generator))
            elif p.dim() == 1:
                p.copy_(0.1 * torch.randn(p.shape, generator=generator))
            else:
                fan_in = p.shape[0] if name.endswith('.W') else p[0].numel()  # NIN's W is [in, out]
                p.copy_(torch.randn(p.shape, generator=generator) / np.sqrt(fan_in))


def block(source, prefix, target):
    """A BigGAN residual block as EDM's UNetBlock names it."""
    names = dict(GroupNorm_0='norm0', Conv_0='conv0', Dense_0='affine', GroupNorm_1='norm1', Conv_1='conv1', Conv_2='skip')
    out = {}
    for key, value in source.items():
        if key.startswith(prefix + '.'):
            layer, field = key[len(prefix) + 1:].split('.')
            out[f'{target}.{names[layer]}.{field}'] = value
    return out


def attention(source, prefix, target):
    """AttnBlockpp folded into the block before it: GroupNorm_0 -> norm2; NIN_0/1/2 (x @ W + b, W [in, out]) -> qkv, whose
    output channel 3c + j is q, k or v's channel c (EDM's reshape(n, c, 3, -1)); NIN_3 -> proj."""
    w = torch.stack([source[f'{prefix}.NIN_{j}.W'].t() for j in range(3)], dim=1)  # [out c, 3, in]
    b = torch.stack([source[f'{prefix}.NIN_{j}.b'] for j in range(3)], dim=1)
    c = w.shape[0]
    return {f'{target}.norm2.weight': source[f'{prefix}.GroupNorm_0.weight'], f'{target}.norm2.bias': source[f'{prefix}.GroupNorm_0.bias'],
            f'{target}.qkv.weight': w.reshape(3 * c, c, 1, 1), f'{target}.qkv.bias': b.reshape(3 * c),
            f'{target}.proj.weight': source[f'{prefix}.NIN_3.W'].t().reshape(c, c, 1, 1), f'{target}.proj.bias': source[f'{prefix}.NIN_3.b']}


def edm_names(net):
    """score_sde's state_dict under EDM's names, walking its module lists in the order its __init__ appends them."""
    s = {k: v for k, v in net.state_dict().items() if k != 'sigmas'}
    out, n = {}, 0

    def take(prefix, target):
        out[f'{target}.weight'], out[f'{target}.bias'] = s[f'{prefix}.weight'], s[f'{prefix}.bias']

    take('en_modules.0', 'map_layer0')
    take('en_modules.1', 'map_layer1')
    take('en_modules.2', f'enc.{IMAGE}x{IMAGE}_conv')
    n = 3
    levels = len(CH_MULT)
    for level in range(levels):
        res = IMAGE >> level
        for b in range(BLOCKS):
            out.update(block(s, f'en_modules.{n}', f'enc.{res}x{res}_block{b}'))
            n += 1
            if res in ATTENTION:
                out.update(attention(s, f'en_modules.{n}', f'enc.{res}x{res}_block{b}'))
                n += 1
        if level != levels - 1:
            down = res // 2
            out.update(block(s, f'en_modules.{n}', f'enc.{down}x{down}_down'))
            take(f'en_modules.{n + 1}.Conv2d_0', f'enc.{down}x{down}_aux_residual')
            n += 2
    res = IMAGE >> (levels - 1)
    out.update(block(s, f'en_modules.{n}', f'enc.{res}x{res}_in0'))
    out.update(attention(s, f'en_modules.{n + 1}', f'enc.{res}x{res}_in0'))
    out.update(block(s, f'en_modules.{n + 2}', f'enc.{res}x{res}_in1'))
    assert f'en_modules.{n + 3}.GroupNorm_0.weight' not in s
    for k in range(len(DE_NFS)):
        n = 0
        for level in reversed(range(levels)):
            res = IMAGE >> level
            for b in range(BLOCKS + 1):
                out.update(block(s, f'de_modules.{k}.{n}', f'decs.{k}.{res}x{res}_block{b}'))
                n += 1
            if res in ATTENTION:
                out.update(attention(s, f'de_modules.{k}.{n}', f'decs.{k}.{res}x{res}_block{BLOCKS}'))
                n += 1
            if level != 0:
                out.update(block(s, f'de_modules.{k}.{n}', f'decs.{k}.{res * 2}x{res * 2}_up'))
                n += 1
        take(f'de_modules.{k}.{n}', f'decs.{k}.{IMAGE}x{IMAGE}_aux_norm')
        take(f'de_modules.{k}.{n + 1}', f'decs.{k}.{IMAGE}x{IMAGE}_aux_conv')
    assert sum(v.numel() for v in out.values()) == sum(v.numel() for v in s.values()), 'the map must take every weight once'
    return out


def with_decoder(net, stage):
    net.stage_interval = [[[2.0, 2.0]] if k != stage else [[-1.0, 2.0]] for k in range(len(DE_NFS))]


def main():
    args = fixture_arguments(__doc__)
    net = network(args.reference)
    scramble(net, torch.Generator().manual_seed(11))
    g = torch.Generator().manual_seed(12)
    t = torch.tensor(TIMES, dtype=torch.float64)
    x = torch.randn([len(TIMES), CHANNELS, IMAGE, IMAGE], generator=g)
    raw, stage, reference_stage = [], [], []
    original = net.stage_interval
    with torch.no_grad():
        for i in range(len(TIMES)):  # one sample at a time: the reference routes a batch by its first sample
            labels = (t[i:i + 1] * 999).float()
            net.stage_interval = original
            own = net(x[i:i + 1], labels)
            per_decoder = []
            for d in range(len(DE_NFS)):
                with_decoder(net, d)
                per_decoder.append(net(x[i:i + 1], labels))
            reference_stage.append([d for d in range(len(DE_NFS)) if torch.equal(per_decoder[d], own)][0])
            k = sum(1 for b in BOUNDARIES if TIMES[i] >= b)  # the runtime's rule: [start, end) in t
            stage.append(k)
            raw.append(per_decoder[k])
    net.stage_interval = original
    meta = {'source': 'LucasYFL/Multistage_Diffusion dpm-solver/score_sde_pytorch/models/ncsnpp_multistage.py', 'torch': torch.__version__,
            'model': 'NCSNpp_multimodel', 'names': 'EDM networks.py (mapped)'}
    os.makedirs(args.out, exist_ok=True)
    weights = edm_names(net)
    write_safetensors(os.path.join(args.out, 'multistage-vp-ncsnpp.weights.safetensors'), weights, meta)
    write_safetensors(os.path.join(args.out, 'multistage-vp-ncsnpp.cases.safetensors'),
                      dict(x=x, t=t, raw=torch.cat(raw), stage=torch.tensor(stage), reference_stage=torch.tensor(reference_stage)), meta)
    print(f'multistage-vp-ncsnpp: {sum(v.numel() for v in weights.values()):,} weights; stages {stage}, reference {reference_stage}')


if __name__ == '__main__':
    main()
