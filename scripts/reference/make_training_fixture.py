#!/usr/bin/env python3
"""Writes the training-equality fixture: the paper code's own EDM training loop (edm/training/training_loop.py's
training_loop, with its EDMMultistageLoss and the Adam of EDM's train.py) run for a few steps on the tiny multistage
network of make_fixtures.py, on the CPU, recording every draw it makes (the images of each step, the noise levels its
loss drew, the unit noise) and the weights it ends with: the network's and the EMA's (multistage.training.safetensors).

    /usr/bin/python3 scripts/reference/make_training_fixture.py --reference /path/to/Multistage_Diffusion [--out tests/Fixtures/Reference]

training_loop runs unchanged. What it needs of a GPU machine is provided around it: a one-process gloo group for its
DistributedDataParallel (which gets no device_ids on the CPU), zeros for its CUDA memory statistics, a stand-in for
psutil's memory figure, and a dataset class of fixed images. The network starts from make_fixtures.py's O(1) weights
(given as training_loop's resume_pkl, so the network and its EMA start from them). The loss's draws are recorded by
wrapping torch.randn_like and EDMMultistageLoss.generate_sample_interval, which still draw from the loop's own
generator. Six steps of 4 images: each step's stage is the one the loss drew; the learning rate ramps over 12 images
(0, a third, two thirds, then all of it: EDM counts the images before the step) and the EMA has a 10-image half-life
without ramp-up, so both show in the result.
"""
import os
import pickle
import sys
import tempfile
import types

import numpy as np
import torch

from make_fixtures import build
from reference_code import fixture_arguments, load_networks, read_safetensors, write_safetensors

BATCH = 4
STEPS = 6
# Boundaries in sigma where EDM's lognormal (P_mean -1.2, P_std 1.2) lands about a third of its draws in each stage, so a
# few steps train every decoder and leave each idle in others (at the paper's 2.5103 / 7.6577 nearly every draw is near_data).
BOUNDARIES = [0.2, 0.6]
SETTINGS = dict(lr=2e-3, lr_rampup_kimg=0.012, ema_halflife_kimg=0.01, ema_rampup_ratio=None, seed=6)


class FixedImages(torch.utils.data.Dataset):
    """Eight fixed 3x16x16 uint8 images, as EDM's ImageFolderDataset hands them to the loop (which scales them to [-1, 1])."""
    resolution, num_channels, label_dim = 16, 3, 0

    def __init__(self, **_):
        self.images = torch.randint(0, 256, [8, 3, 16, 16], generator=torch.Generator().manual_seed(6), dtype=torch.uint8).numpy()

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        return self.images[index].copy(), np.zeros([0], dtype=np.float32)


def provide_for_cpu():
    """What training_loop asks of a CUDA machine, here: a one-process process group, DDP without device_ids, zero GPU memory."""
    os.environ.setdefault('MASTER_ADDR', 'localhost')
    os.environ.setdefault('MASTER_PORT', '29517')
    torch.distributed.init_process_group('gloo', rank=0, world_size=1)
    ddp = torch.nn.parallel.DistributedDataParallel
    torch.nn.parallel.DistributedDataParallel = lambda module, device_ids=None, **kwargs: ddp(module, **kwargs)
    for name in ('max_memory_allocated', 'max_memory_reserved'):
        setattr(torch.cuda, name, lambda device=None: 0)
    torch.cuda.reset_peak_memory_stats = lambda device=None: None
    memory = types.SimpleNamespace(rss=0)
    sys.modules.setdefault('psutil', types.SimpleNamespace(Process=lambda pid: types.SimpleNamespace(memory_info=lambda: memory)))


def record_draws(loss_class):
    """Wraps the loss so each call's images, noise levels, unit noise and per-pixel loss are kept; the draws are unchanged."""
    steps = []
    draw_sigma, call = loss_class.generate_sample_interval, loss_class.__call__
    randn_like = torch.randn_like

    def generate_sample_interval(self, interval, batch_size):
        sigma = draw_sigma(self, interval, batch_size)
        steps[-1]['sigma'] = sigma.detach().clone().flatten()
        return sigma

    def recording_randn_like(x, *args, **kwargs):
        noise = randn_like(x, *args, **kwargs)
        steps[-1]['noise'] = noise.detach().clone()
        return noise

    def recording_call(self, net, images, labels=None, augment_pipe=None):
        steps.append({'images': images.detach().clone()})
        torch.randn_like = recording_randn_like
        try:
            loss = call(self, net, images, labels=labels, augment_pipe=augment_pipe)
        finally:
            torch.randn_like = randn_like
        steps[-1]['loss'] = loss.detach().clone()
        return loss

    loss_class.generate_sample_interval = generate_sample_interval
    loss_class.__call__ = recording_call
    return steps


def main():
    args = fixture_arguments(__doc__)
    networks = load_networks(args.reference)
    from training import loss as reference_loss, training_loop  # noqa: E402  (the reference's modules)
    net = build(networks, multistage=True).train()
    committed = read_safetensors(os.path.join(args.out, 'multistage.weights.safetensors'))
    for name, value in net.model.state_dict().items():
        if name in committed and not np.array_equal(committed[name], value.numpy()):
            raise SystemExit(f'{name} differs from the committed multistage.weights.safetensors: rerun make_fixtures.py first')

    provide_for_cpu()
    steps = record_draws(reference_loss.EDMMultistageLoss)
    with tempfile.TemporaryDirectory() as run_dir:
        start = os.path.join(run_dir, 'start.pkl')
        with open(start, 'wb') as f:
            pickle.dump({'ema': net}, f)
        network_kwargs = dict(class_name='training.networks.EDMPrecond', model_type='MultistageUNet', en_model_channels=8,
                              de_model_channels=[12, 8, 4], stage_num=3,
                              stage_interval=[[[0, BOUNDARIES[0]]], [[BOUNDARIES[0], BOUNDARIES[1]]], [[BOUNDARIES[1], float('inf')]]],
                              channel_mult=[1, 2], num_blocks=1, attn_resolutions=[8], dropout=0.0, embedding_type='positional',
                              encoder_type='standard', decoder_type='standard')
        training_loop.training_loop(
            run_dir=run_dir, dataset_kwargs=dict(class_name='__main__.FixedImages'), network_kwargs=network_kwargs,
            loss_kwargs=dict(class_name='training.loss.EDMMultistageLoss'),
            # EDM's train.py: Adam, betas [0.9, 0.999], eps 1e-8.
            optimizer_kwargs=dict(class_name='torch.optim.Adam', lr=SETTINGS['lr'], betas=[0.9, 0.999], eps=1e-8),
            seed=SETTINGS['seed'], batch_size=BATCH, total_kimg=STEPS * BATCH / 1000, ema_halflife_kimg=SETTINGS['ema_halflife_kimg'],
            ema_rampup_ratio=SETTINGS['ema_rampup_ratio'], lr_rampup_kimg=SETTINGS['lr_rampup_kimg'], snapshot_ticks=1, state_dump_ticks=1,
            resume_pkl=start, cudnn_benchmark=False, device=torch.device('cpu'))
        final = sorted(name for name in os.listdir(run_dir) if name.startswith('training-state-'))[-1]
        trained = torch.load(os.path.join(run_dir, final), map_location='cpu')['net'].model.state_dict()
        snapshot = sorted(name for name in os.listdir(run_dir) if name.startswith('network-snapshot-'))[-1]
        with open(os.path.join(run_dir, snapshot), 'rb') as f:
            ema = pickle.load(f)['ema'].model.state_dict()
    torch.distributed.destroy_process_group()

    if len(steps) != STEPS:
        raise SystemExit(f'the loop ran {len(steps)} steps, not {STEPS}')
    tensors = {name: torch.stack([s[name] for s in steps]) for name in ('images', 'sigma', 'noise', 'loss')}
    tensors.update({f'trained.{k}': v for k, v in trained.items() if not k.endswith('resample_filter')})
    tensors.update({f'ema.{k}': v for k, v in ema.items() if not k.endswith('resample_filter')})
    meta = {'source': 'LucasYFL/Multistage_Diffusion edm/training/training_loop.py training_loop, loss.py EDMMultistageLoss',
            'torch': torch.__version__, 'batch': str(BATCH), 'steps': str(STEPS), **{k: str(v) for k, v in SETTINGS.items()}}
    write_safetensors(os.path.join(args.out, 'multistage.training.safetensors'), tensors, meta)
    sigmas = [[round(x, 3) for x in s['sigma'].tolist()] for s in steps]
    moved = max((trained[k] - committed[k]).abs().max().item() for k in committed)
    print(f'{STEPS} steps of {BATCH}; sigma per step {sigmas}; the largest weight change {moved:.4g}')


if __name__ == '__main__':
    main()
