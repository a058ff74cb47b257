#!/usr/bin/env python3
"""Writes the reference-equality fixtures of the ADM family (`encoder adm`): a tiny UNetModel_multistage and a tiny
unified UNetModel built by the paper's latent-diffusion code (LucasYFL/Multistage_Diffusion,
latent-diffusion/ldm/modules/diffusionmodules/openaimodel.py, the network of its LDM runs), with O(1) weights, and
their outputs for fixed inputs at integer timesteps in every stage and on either side of each boundary, and the
noise levels of the LDM runs' schedule (alphas_cumprod of make_beta_schedule 'linear', 0.0015 to 0.0195). It also prints
the parameter counts of the paper's CelebA-HQ configuration (celebahq-ldm-vq-4_multistage224-256-192-128.yaml), which
tests/DiffusionDsl.Language.Tests holds the compiler's cost model to.

    /usr/bin/python3 scripts/reference/make_adm_fixture.py --reference /path/to/Multistage_Diffusion [--out tests/Fixtures/Reference]

Needs PyTorch (Debian's python3-torch 1.13 works), numpy and Pillow (the reference's ldm/util.py imports it). einops,
which the reference imports for code the U-Net does not run, is not in Debian: a stand-in module is installed when it
is missing. The matching .msd files are tests/DiffusionDsl.Generator.Tests/Models/ReferenceAdm{Multistage,Unified}.msd.
"""
import json
import os
import sys
import types

import torch

from reference_code import fixture_arguments, write_safetensors

BOUNDARIES = [442, 631]  # the paper's LDM stage_interval [442, 631, 1000], in DDPM steps
TIMESTEPS = [0, 7, 120, 300, 440, 441, 442, 443, 520, 629, 630, 631, 632, 700, 850, 999]
TINY = dict(image_size=16, in_channels=3, out_channels=3, model_channels=32, num_res_blocks=1,
            attention_resolutions=[2], channel_mult=[1, 1], num_head_channels=32)
# celebahq-ldm-vq-4_multistage224-256-192-128.yaml's unet_config.
PAPER = dict(image_size=64, in_channels=3, out_channels=3, model_channels=224, attention_resolutions=[8, 4, 2],
             num_res_blocks=2, channel_mult=[1, 2, 3, 4], num_head_channels=32, de_nfs=[256, 192, 128],
             stage_interval=[442, 631, 1000], stage_num=3)


def load_openaimodel(reference):
    root = os.path.join(reference, 'latent-diffusion')
    sys.path.insert(0, root if os.path.isdir(root) else reference)
    try:
        import einops  # noqa: F401
    except ImportError:
        stand_in = types.ModuleType('einops')
        stand_in.rearrange = stand_in.repeat = lambda *a, **k: (_ for _ in ()).throw(NotImplementedError('einops stand-in'))
        sys.modules['einops'] = stand_in
    from ldm.modules.diffusionmodules import openaimodel  # noqa: E402  (the reference's module)
    return openaimodel


def scramble(net, generator):
    """O(1) weights everywhere, the zero-initialised convs included, so every layer shows in the output: GroupNorms about
    (1, 0), other vectors about 0, kernels with unit-variance outputs by fan-in."""
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, torch.nn.GroupNorm):
                module.weight.copy_(1.0 + 0.1 * torch.randn(module.weight.shape, generator=generator))
                module.bias.copy_(0.1 * torch.randn(module.bias.shape, generator=generator))
            elif isinstance(module, (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Linear)):
                module.weight.copy_(torch.randn(module.weight.shape, generator=generator) / module.weight[0].numel() ** 0.5)
                module.bias.copy_(0.1 * torch.randn(module.bias.shape, generator=generator))


def our_stage(n):
    return sum(1 for b in BOUNDARIES if n >= b)


def cases(openaimodel, net, multistage):
    g = torch.Generator().manual_seed(3)
    steps = torch.tensor(TIMESTEPS, dtype=torch.int64)
    x = torch.randn([len(TIMESTEPS), 3, 16, 16], generator=g)
    outputs, reference_stage = [], []
    with torch.no_grad():
        for i in range(len(TIMESTEPS)):  # one sample at a time: the reference routes a whole batch by its first sample
            outputs.append(net(x[i:i + 1], steps[i:i + 1]))
            if multistage:
                # Which decoder the reference used: the one whose output it gave.
                h, emb = x[i:i + 1], net.time_embed(openaimodel.timestep_embedding(steps[i:i + 1], net.model_channels))
                skips = []
                for module in net.input_blocks:
                    h = module(h, emb, None)
                    skips.append(h)
                h = net.middle_block(h, emb, None)
                found = []
                for k in range(net.stage_num):
                    d, rest = h, list(skips)
                    for module in net.de_modules[k]:
                        d = module(torch.cat([d, rest.pop()], dim=1), emb, None)
                    if torch.equal(net.outs[k](d), outputs[-1]):
                        found.append(k)
                reference_stage.append(found[0])
            else:
                reference_stage.append(0)
    stage = [our_stage(n) if multistage else 0 for n in TIMESTEPS]
    return dict(x=x, timesteps=steps, raw=torch.cat(outputs), stage=torch.tensor(stage, dtype=torch.int64),
                reference_stage=torch.tensor(reference_stage, dtype=torch.int64))


def schedule(out):
    """The paper's LDM noise levels as the reference computes them (ddpm.py's register_schedule: make_beta_schedule
    'linear', then the cumulative product of 1 - beta)."""
    from ldm.modules.diffusionmodules.util import make_beta_schedule  # noqa: E402  (the reference's function)
    betas = make_beta_schedule('linear', 1000, linear_start=0.0015, linear_end=0.0195)  # a numpy array
    alphas_cumprod = torch.from_numpy((1.0 - betas).cumprod())
    write_safetensors(os.path.join(out, 'adm-schedule.safetensors'), {'alphas_cumprod': alphas_cumprod},
                      {'source': 'latent-diffusion make_beta_schedule("linear", 1000, 0.0015, 0.0195)'})


def count(openaimodel):
    net = openaimodel.UNetModel_multistage(**PAPER)
    encoder = sum(p.numel() for p in net.input_blocks.parameters()) + sum(p.numel() for p in net.middle_block.parameters()) \
        + sum(p.numel() for p in net.time_embed.parameters())
    decoders = [sum(p.numel() for p in net.de_modules[k].parameters()) + sum(p.numel() for p in net.outs[k].parameters())
                for k in range(net.stage_num)]
    print(f'paper LDM config: {sum(p.numel() for p in net.parameters()):,} parameters; shared {encoder:,}; decoders '
          + ' / '.join(f'{d:,}' for d in decoders))


def main():
    args = fixture_arguments(__doc__)
    openaimodel = load_openaimodel(args.reference)
    os.makedirs(args.out, exist_ok=True)
    for multistage, name in ((True, 'adm-multistage'), (False, 'adm-unified')):
        torch.manual_seed(0)
        if multistage:
            net = openaimodel.UNetModel_multistage(**TINY, de_nfs=[64, 32, 32], stage_interval=BOUNDARIES + [1000], stage_num=3)
        else:
            net = openaimodel.UNetModel(**TINY)
        scramble(net, torch.Generator().manual_seed(1 if multistage else 2))
        net.eval()
        meta = {'source': 'LucasYFL/Multistage_Diffusion latent-diffusion/ldm/modules/diffusionmodules/openaimodel.py',
                'torch': torch.__version__, 'model': type(net).__name__, 'config': json.dumps(TINY)}
        weights = net.state_dict()
        write_safetensors(os.path.join(args.out, f'{name}.weights.safetensors'), weights, meta)
        write_safetensors(os.path.join(args.out, f'{name}.cases.safetensors'), cases(openaimodel, net, multistage), meta)
        print(f'{name}: {sum(v.numel() for v in weights.values()):,} weights')
    schedule(args.out)
    count(openaimodel)


if __name__ == '__main__':
    main()
