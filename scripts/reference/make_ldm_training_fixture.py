#!/usr/bin/env python3
"""Writes the LDM training-equality fixture (ldm-multistage.training.safetensors): six steps of the paper code's own
latent-diffusion training (latent-diffusion/ldm/models/diffusion/ddpm.py, LatentDiffusion with the tiny
UNetModel_multistage of make_adm_fixture.py and its committed weights), as its CelebA-HQ run trains: three processes
under DistributedDataParallel, each drawing its integer steps in its own stage (LatentDiffusion.forward: stage
rank mod 3 of its own hard-coded [0, 442, 631, 1000]), its p_losses (eps target, per-sample mean squared error, logvar 0,
no ELBO term), configure_optimizers' AdamW (PyTorch's default weight decay, 0.01) and LitEma's warm-up decay after each
step (on_train_batch_end). It records every draw (the steps and the unit noise of each process), each step's loss and
the weights and EMA it ends with.

    /usr/bin/python3 scripts/reference/make_ldm_training_fixture.py --reference /path/to/Multistage_Diffusion [--out tests/Fixtures/Reference]

The network's weights are adm-multistage.weights.safetensors (make_adm_fixture.py; the script refuses to run if the
tiny network it builds differs from them), and the latents are standard normal, as the VQ-f4 encoder's are roughly
(the config's scale_factor is 1, so the first stage only encodes; it is not run here). The learning rate is 1e-3, not
the config's 2e-6, so that six steps move the weights far beyond rounding.

Needs PyTorch (Debian's python3-torch 1.13 works), numpy and Pillow. What ddpm.py imports for code training does not
run (pytorch_lightning, einops, torchvision's make_grid, tqdm, taming's quantizer) is not in Debian: stand-ins are
installed for whichever is missing. The pytorch_lightning stand-in's LightningModule is an nn.Module whose `device`
reads as Lightning's does on GPU r ("cuda:r"), which is all LatentDiffusion.forward reads it for (the rank), while
tensors stay on the CPU.
"""
import json
import os
import sys
import tempfile
import types

import torch

from make_adm_fixture import BOUNDARIES, TINY
from reference_code import fixture_arguments, read_safetensors, write_safetensors

RANKS = 3  # one process per stage, as the reference's LatentDiffusion.forward assigns them
SHARE = 2  # latents per process and step (the CelebA-HQ run: 16)
STEPS = 6
CONFIG = dict(lr=1e-3, linear_start=0.0015, linear_end=0.0195, timesteps=1000, seed=5)


class RankDevice(str):
    """The string 'cpu' to torch, and Lightning's 'cuda:r' to str(): LatentDiffusion.forward reads its rank from the
    device's name."""
    rank = 0

    def __str__(self):
        return f'cuda:{self.rank}'


def stand_in(name, **attributes):
    if name in sys.modules:
        return sys.modules[name]
    try:
        __import__(name)
        return sys.modules[name]
    except ImportError:
        module = types.ModuleType(name)
        module.__dict__.update(attributes)
        sys.modules[name] = module
        return module


def unavailable(*_, **__):
    raise NotImplementedError('a stand-in for code the training step does not run')


def install_stand_ins(rank):
    device = RankDevice('cpu')
    device.rank = rank

    class LightningModule(torch.nn.Module):
        @property
        def device(self):
            return device

        def log(self, *_, **__):
            pass

        log_dict = log

    if 'pytorch_lightning' not in sys.modules:
        try:
            import pytorch_lightning  # noqa: F401
            raise SystemExit('a real pytorch_lightning is installed: its LightningModule reads the device from the parameters; '
                             'run this script where it is not')
        except ImportError:
            pass
    lightning = stand_in('pytorch_lightning', LightningModule=LightningModule)
    utilities = stand_in('pytorch_lightning.utilities')
    distributed = stand_in('pytorch_lightning.utilities.distributed', rank_zero_only=lambda f: f)
    lightning.utilities, utilities.distributed = utilities, distributed
    stand_in('einops', rearrange=unavailable, repeat=unavailable)
    torchvision = stand_in('torchvision')
    torchvision.utils = stand_in('torchvision.utils', make_grid=unavailable)
    stand_in('tqdm', tqdm=lambda iterable=None, *_, **__: iterable, trange=lambda *a, **__: range(*a))
    for name in ('taming', 'taming.modules', 'taming.modules.vqvae'):
        stand_in(name)
    stand_in('taming.modules.vqvae.quantize', VectorQuantizer2=unavailable)


def latent_diffusion(reference):
    root = os.path.join(reference, 'latent-diffusion')
    sys.path.insert(0, root if os.path.isdir(root) else reference)
    from ldm.models.diffusion import ddpm  # noqa: E402  (the reference's module)
    from ldm.modules.ema import LitEma  # noqa: E402
    unet = dict(target='ldm.modules.diffusionmodules.openaimodel.UNetModel_multistage',
                params=dict(TINY, de_nfs=[64, 32, 32], stage_interval=BOUNDARIES + [1000], stage_num=3))
    model = ddpm.LatentDiffusion(first_stage_config=dict(target='ldm.models.autoencoder.IdentityFirstStage'),
                                 cond_stage_config='__is_unconditional__', unet_config=unet, image_size=TINY['image_size'],
                                 channels=3, first_stage_key='image', num_timesteps_cond=1, timesteps=CONFIG['timesteps'],
                                 linear_start=CONFIG['linear_start'], linear_end=CONFIG['linear_end'], log_every_t=200)
    return model, LitEma


def train(rank, reference, weights_path, result_path):
    install_stand_ins(rank)
    model, LitEma = latent_diffusion(reference)
    committed = {k: torch.tensor(v) for k, v in read_safetensors(weights_path).items()}
    net = model.model.diffusion_model
    if sorted(committed) != sorted(net.state_dict()):
        raise SystemExit('the tiny network differs from the committed adm-multistage.weights.safetensors: rerun make_adm_fixture.py')
    net.load_state_dict(committed)
    model.model_ema = LitEma(model.model)  # as if built with these weights: LitEma copies the weights it is given
    model.learning_rate = CONFIG['lr']  # main.py without --scale_lr: the config's base_learning_rate

    os.environ['MASTER_ADDR'], os.environ['MASTER_PORT'] = 'localhost', '29541'
    torch.distributed.init_process_group('gloo', rank=rank, world_size=RANKS)
    optimizer = model.configure_optimizers()
    # Lightning's DDP (find_unused_parameters, as it wraps a module by default): the other stages' decoders get no
    # gradient in this process, DDP averages every parameter's over the processes.
    ddp = torch.nn.parallel.DistributedDataParallel(model.train(), find_unused_parameters=True)

    recorded = []
    p_losses, randn_like = model.p_losses, torch.randn_like

    def recording_p_losses(x_start, cond, t, *a, **k):
        recorded[-1]['t'] = t.detach().clone()
        return p_losses(x_start, cond, t, *a, **k)

    def recording_randn_like(x, *a, **k):
        noise = randn_like(x, *a, **k)
        recorded[-1]['noise'] = noise.detach().clone()
        return noise

    torch.manual_seed(CONFIG['seed'] + rank)
    latents = torch.randn([STEPS, RANKS * SHARE, 3, TINY['image_size'], TINY['image_size']], generator=torch.Generator().manual_seed(8))
    model.p_losses, torch.randn_like = recording_p_losses, recording_randn_like
    try:
        for step in range(STEPS):  # Lightning's automatic optimisation: training_step's loss, backward, step, zero_grad
            recorded.append({})
            loss, _ = ddp(latents[step, rank * SHARE:(rank + 1) * SHARE], None)  # shared_step: self(x, c), c None unconditional
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            model.on_train_batch_end()
            recorded[-1]['loss'] = loss.detach().clone().reshape(1)
    finally:
        torch.randn_like = randn_like
    torch.distributed.destroy_process_group()

    trained = {k: v.detach().clone() for k, v in net.state_dict().items()}
    model.model_ema.copy_to(model.model)
    average = {k: v.detach().clone() for k, v in net.state_dict().items()}
    torch.save(dict(latents=latents, recorded=recorded, trained=trained, average=average), result_path)


def vanishing_gradients(reference, weights_path, tensors):
    """The parameters whose gradient is zero but for rounding, found on the first step's draws (here at most 2.6e-8 of
    the largest gradient, the others at least 5e-3; GroupNorm32 computes in float32, so float64 cannot tell): a constant per
    channel ahead of a GroupNorm32 with one channel per group (the 32-wide blocks here) is normalised away, so the
    blocks' projections of the embedding (emb_layers.1) and some biases of those blocks get none. Adam turns the two implementations' float32
    rounding noise there into moves of about the learning rate in no shared direction, so the test leaves them out."""
    install_stand_ins(0)
    model, _ = latent_diffusion(reference)
    net = model.model.diffusion_model
    net.load_state_dict({k: torch.tensor(v) for k, v in read_safetensors(weights_path).items()})
    x0, steps, noise = tensors['images'][0], tensors['steps'][0], tensors['noise'][0]
    alphas_cumprod = model.alphas_cumprod[steps].reshape(-1, 1, 1, 1)
    x_noisy = alphas_cumprod.sqrt() * x0 + (1 - alphas_cumprod).sqrt() * noise
    loss = sum(((net(x_noisy[r * SHARE:(r + 1) * SHARE], steps[r * SHARE:(r + 1) * SHARE]) - noise[r * SHARE:(r + 1) * SHARE]) ** 2).mean()
               for r in range(RANKS))  # one share at a time: the network routes a batch by its first step
    loss.backward()
    largest = max(p.grad.abs().max().item() for p in net.parameters())
    return [name for name, p in net.named_parameters() if p.grad.abs().max().item() <= 1e-5 * largest]


def spawned(rank, reference, weights_path, results):
    train(rank, reference, weights_path, results[rank])


def main():
    args = fixture_arguments(__doc__)
    weights_path = os.path.join(args.out, 'adm-multistage.weights.safetensors')
    with tempfile.TemporaryDirectory() as scratch:
        results = [os.path.join(scratch, f'rank{r}.pt') for r in range(RANKS)]
        torch.multiprocessing.spawn(spawned, args=(args.reference, weights_path, results), nprocs=RANKS)
        ranks = [torch.load(path) for path in results]
    first = ranks[0]
    for r in ranks[1:]:
        if any(not torch.equal(r['trained'][k], first['trained'][k]) for k in first['trained']):
            raise SystemExit('the processes ended with different weights')
    # The global batch is the processes' shares in rank order; the gradient DDP applies is the average of theirs, so
    # the fixture's loss is the mean of their losses.
    tensors = {'images': first['latents'],
               'steps': torch.stack([torch.cat([r['recorded'][s]['t'] for r in ranks]) for s in range(STEPS)]),
               'noise': torch.stack([torch.cat([r['recorded'][s]['noise'] for r in ranks]) for s in range(STEPS)]),
               'loss': torch.stack([torch.cat([r['recorded'][s]['loss'] for r in ranks]).mean().reshape(1) for s in range(STEPS)])}
    tensors.update({f'trained.{k}': v for k, v in first['trained'].items()})
    tensors.update({f'ema.{k}': v for k, v in first['average'].items()})
    meta = {'source': 'LucasYFL/Multistage_Diffusion latent-diffusion/ldm/models/diffusion/ddpm.py LatentDiffusion, ldm/modules/ema.py LitEma',
            'network': 'UNetModel_multistage', 'torch': torch.__version__, 'ranks': str(RANKS), 'share': str(SHARE),
            'steps': str(STEPS), 'boundaries': str(BOUNDARIES), **{k: str(v) for k, v in CONFIG.items()}}
    vanishing = vanishing_gradients(args.reference, weights_path, tensors)
    meta['vanishing_gradients'] = json.dumps(vanishing)
    write_safetensors(os.path.join(args.out, 'ldm-multistage.training.safetensors'), tensors, meta)
    committed = read_safetensors(weights_path)
    moved = max((first['trained'][k] - torch.tensor(committed[k])).abs().max().item() for k in committed)
    stages = [[sum(1 for b in BOUNDARIES if tensors['steps'][s, r * SHARE].item() >= b) for r in range(RANKS)] for s in range(STEPS)]
    print(f'ldm-multistage.training.safetensors: {STEPS} steps of {RANKS} x {SHARE} latents; stages per step and process {stages}; '
          f'losses {[round(x, 4) for x in tensors["loss"].flatten().tolist()]}; the largest weight change {moved:.4g}; '
          f'{len(vanishing)} tensors without a gradient: {vanishing}')


if __name__ == '__main__':
    main()
