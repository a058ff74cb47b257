#!/usr/bin/env python3
"""Converts a checkpoint of the paper's multistage VP models (dpm-solver/score_sde_pytorch, NCSNpp_multimodel, as
run_lib.py's save_checkpoint writes it: checkpoint_N.pth with 'model', 'ema', 'optimizer' and 'step') into a
safetensors file of EDM's layer names, the reference layout that DiffusionDsl's generated models import
(SafetensorsWeights.Import, `msd sample --checkpoint`), for a .msd written as examples/Cifar10Paper/Cifar10MultistageVp.msd
writes the paper's configuration (`encoder ncsnpp`, `embedding positional`, `middle encoder`).

    python3 scripts/convert/score_sde_weights.py checkpoint_10.pth weights.safetensors [--weights ema|model]
        [--image-size 32] [--ch-mult 1,2,2,2] [--num-res-blocks 8] [--attn-resolutions 16] [--stages 3]

The defaults are the paper's CIFAR-10 config (configs/vp/cifar10_ncsnpp_multistage_deep_continuous_v2.py). --weights
ema (the default) takes the EMA's shadow parameters, which the reference samples with; model takes the trained
weights. Needs PyTorch and NumPy (not the reference's code).

score_sde numbers its modules (en_modules.N, de_modules.K.N) and keeps attention as a module of its own; EDM's UNetBlock
holds it (norm2; q, k and v as one 1x1 conv whose output channels interleave them, 3c + j; proj). The map walks the
module lists in the order NCSNpp_multimodel's __init__ appends them. It is checked by
tests/DiffusionDsl.Generator.Tests/ScoreSdeNetworkEquivalenceTests.cs, which converts a checkpoint the reference's own
code wrote and requires the reference's outputs from the converted weights.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_file import write_safetensors  # noqa: E402

RESIDUAL_BLOCK = dict(GroupNorm_0='norm0', Conv_0='conv0', Dense_0='affine', GroupNorm_1='norm1', Conv_1='conv1', Conv_2='skip')


class Architecture:
    def __init__(self, image_size=32, ch_mult=(1, 2, 2, 2), num_res_blocks=8, attn_resolutions=(16,), stages=3):
        self.image_size, self.ch_mult, self.num_res_blocks = image_size, tuple(ch_mult), num_res_blocks
        self.attn_resolutions, self.stages = tuple(attn_resolutions), stages


def edm_names(state, arch):
    """score_sde's state_dict (no 'module.' prefix, its 'sigmas' buffer left out) under EDM's names; raises on a weight
    the map does not take or a name it expects and does not find."""
    out, taken = {}, set()

    def get(key):
        if key not in state:
            raise KeyError(f"'{key}' is not in the checkpoint: is the architecture (--ch-mult, --num-res-blocks, "
                           f"--attn-resolutions, --image-size, --stages) the one it was trained with?")
        taken.add(key)
        return state[key]

    def layer(prefix, target):
        out[f'{target}.weight'], out[f'{target}.bias'] = get(f'{prefix}.weight'), get(f'{prefix}.bias')

    def block(prefix, target):
        for source, name in RESIDUAL_BLOCK.items():
            # Conv_2, the shortcut's 1x1 conv, exists only where channels or resolution change; the rest always.
            if source != 'Conv_2' or f'{prefix}.{source}.weight' in state:
                layer(f'{prefix}.{source}', f'{target}.{name}')

    def attention(prefix, target):
        w = torch.stack([get(f'{prefix}.NIN_{j}.W').t() for j in range(3)], dim=1)  # [c out, 3, c in]
        b = torch.stack([get(f'{prefix}.NIN_{j}.b') for j in range(3)], dim=1)
        c = w.shape[0]
        layer(f'{prefix}.GroupNorm_0', f'{target}.norm2')
        out[f'{target}.qkv.weight'], out[f'{target}.qkv.bias'] = w.reshape(3 * c, c, 1, 1).contiguous(), b.reshape(3 * c).contiguous()
        out[f'{target}.proj.weight'] = get(f'{prefix}.NIN_3.W').t().reshape(c, c, 1, 1).contiguous()
        out[f'{target}.proj.bias'] = get(f'{prefix}.NIN_3.b')

    size, levels, blocks = arch.image_size, len(arch.ch_mult), arch.num_res_blocks
    layer('en_modules.0', 'map_layer0')
    layer('en_modules.1', 'map_layer1')
    layer('en_modules.2', f'enc.{size}x{size}_conv')
    n = 3
    for level in range(levels):
        res = size >> level
        for b in range(blocks):
            block(f'en_modules.{n}', f'enc.{res}x{res}_block{b}')
            n += 1
            if res in arch.attn_resolutions:
                attention(f'en_modules.{n}', f'enc.{res}x{res}_block{b}')
                n += 1
        if level != levels - 1:
            down = res // 2
            block(f'en_modules.{n}', f'enc.{down}x{down}_down')
            layer(f'en_modules.{n + 1}.Conv2d_0', f'enc.{down}x{down}_aux_residual')
            n += 2
    res = size >> (levels - 1)
    block(f'en_modules.{n}', f'enc.{res}x{res}_in0')
    attention(f'en_modules.{n + 1}', f'enc.{res}x{res}_in0')
    block(f'en_modules.{n + 2}', f'enc.{res}x{res}_in1')
    for k in range(arch.stages):
        n = 0
        for level in reversed(range(levels)):
            res = size >> level
            for b in range(blocks + 1):
                block(f'de_modules.{k}.{n}', f'decs.{k}.{res}x{res}_block{b}')
                n += 1
            if res in arch.attn_resolutions:
                attention(f'de_modules.{k}.{n}', f'decs.{k}.{res}x{res}_block{blocks}')
                n += 1
            if level != 0:
                block(f'de_modules.{k}.{n}', f'decs.{k}.{res * 2}x{res * 2}_up')
                n += 1
        layer(f'de_modules.{k}.{n}', f'decs.{k}.{size}x{size}_aux_norm')
        layer(f'de_modules.{k}.{n + 1}', f'decs.{k}.{size}x{size}_aux_conv')
    left = [key for key in state if key not in taken]
    if left:
        raise KeyError(f'{len(left)} weights of the checkpoint have no place in this architecture, e.g. {left[:3]}: '
                       f'is it the one the checkpoint was trained with?')
    return out


def checkpoint_state(checkpoint, weights):
    """The model's state_dict from a save_checkpoint file, its EMA's shadow parameters put in place when asked."""
    model = checkpoint['model'] if 'model' in checkpoint else checkpoint
    state = {(k[len('module.'):] if k.startswith('module.') else k): v for k, v in model.items()}
    state.pop('sigmas', None)  # a buffer (the discrete noise levels), not a weight
    if weights == 'ema':
        if not isinstance(checkpoint, dict) or 'ema' not in checkpoint:
            raise ValueError("the checkpoint holds no EMA ('ema', as run_lib.py's save_checkpoint writes it): use --weights model")
        shadow = checkpoint['ema']['shadow_params']
        names = list(state)  # parameters() order is state_dict order here: the model's only buffer is sigmas
        if len(shadow) != len(names) or any(s.shape != state[n].shape for s, n in zip(shadow, names)):
            raise ValueError(f"the EMA holds {len(shadow)} tensors that do not line up with the model's {len(names)} parameters")
        state = dict(zip(names, shadow))
    return state


def ints(text):
    return [int(v) for v in text.split(',') if v.strip()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkpoint')
    parser.add_argument('output')
    parser.add_argument('--weights', choices=['ema', 'model'], default='ema')
    parser.add_argument('--image-size', type=int, default=32)
    parser.add_argument('--ch-mult', type=ints, default=[1, 2, 2, 2])
    parser.add_argument('--num-res-blocks', type=int, default=8)
    parser.add_argument('--attn-resolutions', type=ints, default=[16])
    parser.add_argument('--stages', type=int, default=3)
    args = parser.parse_args(argv)
    checkpoint = torch.load(args.checkpoint, map_location='cpu')
    arch = Architecture(args.image_size, args.ch_mult, args.num_res_blocks, args.attn_resolutions, args.stages)
    tensors = edm_names(checkpoint_state(checkpoint, args.weights), arch)
    metadata = {'source': 'score_sde NCSNpp_multimodel checkpoint', 'weights': args.weights,
                'step': str(checkpoint.get('step', '')) if isinstance(checkpoint, dict) else ''}
    write_safetensors(args.output, {k: v.to(torch.float32) for k, v in tensors.items()}, metadata)
    print(f'{args.output}: {len(tensors)} tensors, {sum(t.numel() for t in tensors.values()):,} weights ({args.weights})')


if __name__ == '__main__':
    try:
        main()
    except (KeyError, ValueError) as error:
        sys.exit(f'error: {error.args[0] if error.args else error}')
