#!/usr/bin/env python3
"""Writes the LDM sampling-equality fixture (ldm-multistage.dpm_solver.safetensors): the paper code's own latent-diffusion
sampler (ldm/models/diffusion/dpm_solver: DPMSolverSampler, as scripts/sample_diffusion.py runs it for the paper's
CelebA-HQ figures: NoiseScheduleVP('discrete'), DPM-Solver++ multistep of order 2, time_uniform steps from t = 1 to
1 / N, lower_order_final) on LatentDiffusion with the tiny UNetModel_multistage of make_adm_fixture.py and its committed
weights, from fixed noise, with 20 steps (the paper's -c 20) and with 8 (where its last step is first order); and the
singlestep DPM-Solver-3 (20 steps) and -2 (9) with time_uniform steps, which latent diffusion's copy cannot run (the
paper's score_sde copy of dpm_solver.py runs them). It records the noise, the samples
and the model's time input at every evaluation (DDPM steps, fractional between them).

    /usr/bin/python3 scripts/reference/make_ldm_sampler_fixture.py --reference /path/to/Multistage_Diffusion [--out tests/Fixtures/Reference]

Two things are provided around the reference's code, which is otherwise run as it is: its sampler's register_buffer
moves its alphas_cumprod to CUDA, so here it keeps them where they are (the CPU); and it calls its model as
`model(x, t, c)` even for an unconditional LDM (with no condition its `lambda x, t, c` raises a TypeError), so the
script hands it a placeholder condition, which the unconditional DiffusionWrapper ignores. Needs what
make_ldm_training_fixture.py needs.
"""
import os

import torch

from make_adm_fixture import BOUNDARIES
from make_ldm_training_fixture import install_stand_ins, latent_diffusion
from reference_code import fixture_arguments, read_safetensors, write_safetensors

BATCH = 2
STEPS = (20, 8)


def main():
    args = fixture_arguments(__doc__)
    install_stand_ins(0)
    model, _ = latent_diffusion(args.reference)
    net = model.model.diffusion_model
    net.load_state_dict({k: torch.tensor(v) for k, v in read_safetensors(os.path.join(args.out, 'adm-multistage.weights.safetensors')).items()})
    model.eval()
    from ldm.models.diffusion.dpm_solver import DPMSolverSampler  # noqa: E402  (the reference's sampler)
    DPMSolverSampler.register_buffer = lambda self, name, value: setattr(self, name, value)

    calls = []
    apply_model = model.apply_model

    def recording_apply_model(x, t, cond, *a, **k):
        calls.append(t.detach().clone())
        return apply_model(x, t, cond, *a, **k)

    model.apply_model = recording_apply_model
    noise = torch.randn([BATCH, 3, 16, 16], generator=torch.Generator().manual_seed(4))
    tensors = {'noise': noise}
    for steps in STEPS:
        calls.clear()
        samples, _ = DPMSolverSampler(model).sample(steps, batch_size=BATCH, shape=(3, 16, 16), conditioning=torch.zeros(BATCH),
                                                    x_T=noise.clone(), verbose=False)
        times = torch.stack([c[0] for c in calls]).to(torch.float32)
        if any(not torch.equal(c, c[0].expand_as(c)) for c in calls):
            raise SystemExit('an evaluation gave its samples different times')
        tensors[f'samples_{steps}'] = samples
        tensors[f'model_times_{steps}'] = times
        stages = [sum(1 for b in BOUNDARIES if t >= b) for t in times.tolist()]
        print(f'{steps} steps: {len(calls)} evaluations, stages {stages}, model times {[round(t, 2) for t in times.tolist()]}; '
              f'samples in [{samples.min().item():.3f}, {samples.max().item():.3f}]')
    # Singlestep DPM-Solver (noise prediction) with time_uniform steps, which the LDM runs do not use but the .msd can ask
    # for (`solver dpm_solver3` or `dpm_solver2` with `spacing time`). Latent diffusion's copy of dpm_solver.py cannot run
    # it (its get_orders_and_timesteps_for_singlestep_solver calls torch.cumsum without a dim); the paper's score_sde
    # copy, which fixed that, runs it on the same discrete schedule and model, all stages through the one routing network.
    from make_dpm_solver_fixture import load_dpm_solver
    dpm = load_dpm_solver(args.reference)
    schedule = dpm.NoiseScheduleVP('discrete', alphas_cumprod=model.alphas_cumprod)
    model_fn = dpm.model_wrapper(lambda x, t, c: model.apply_model(x, t, c), schedule, model_type='noise', guidance_type='classifier-free',
                                 condition=torch.zeros(BATCH))
    for order, steps in ((3, 20), (2, 9)):
        calls.clear()
        with torch.no_grad():
            samples = dpm.DPM_Solver([model_fn], schedule, algorithm_type='dpmsolver').sample(
                noise.clone(), steps=steps, order=order, skip_type='time_uniform', method='singlestep')
        tensors[f'samples_singlestep{order}_{steps}'] = samples
        tensors[f'model_times_singlestep{order}_{steps}'] = torch.stack([c[0] for c in calls]).to(torch.float32)
        print(f'singlestep order {order}, {steps} steps: {len(calls)} evaluations; samples in [{samples.min().item():.3f}, {samples.max().item():.3f}]')
    meta = {'source': 'LucasYFL/Multistage_Diffusion latent-diffusion/ldm/models/diffusion/dpm_solver (DPMSolverSampler): samples_N; '
                      'dpm-solver/score_sde_pytorch/dpm_solver.py (singlestep): samples_singlestepK_N',
            'torch': torch.__version__, 'steps': str(list(STEPS)), 'method': 'multistep (samples_N), singlestep (samples_singlestepK_N)',
            'order': '2 (samples_N), K', 'skip_type': 'time_uniform'}
    write_safetensors(os.path.join(args.out, 'ldm-multistage.dpm_solver.safetensors'), tensors, meta)


if __name__ == '__main__':
    main()
