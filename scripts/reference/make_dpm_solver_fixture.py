#!/usr/bin/env python3
"""Writes the DPM-Solver fixture: the paper code's own multistage DPM-Solver (dpm-solver/score_sde_pytorch/dpm_solver.py,
as its sampling.py calls it for the VP runs: singlestep, order 3, logSNR steps, t from 1 to 1e-3 (its config's
sampling.eps) and to 1e-4 (the sample.sh behind the paper's 20-step figures), one noise-prediction function per stage
chosen by its compare_step) on exact per-stage models, from fixed noise.

    /usr/bin/python3 scripts/reference/make_dpm_solver_fixture.py --reference /path/to/Multistage_Diffusion [--out tests/Fixtures/Reference]

The stage models are exact for Gaussian data x0 ~ N(0, v I) with a different v per stage, eps(x_t, t) = sigma_t x_t /
(alpha_t^2 v + sigma_t^2), so a step that uses the wrong stage's model, or a wrong step, changes the samples. Written:
the noise, the samples after 20 evaluations, the time of every evaluation and the stage each was routed to, and the
samples of the same run in float64 ('samples_float64': the reference keeps its times in float32, which at t = 1e-4 moves
its samples by 3.5e-5 relative; the float64 run tells that rounding from a solver's own error).

Also written: dpm_solver_pp2m.safetensors, the same models under its multistep DPM-Solver++ of order 2 (algorithm_type
'dpmsolver++', method 'multistep', lower_order_final=True, its default) with 12 steps to 1e-3: its last step stays second
order, since it lowers the final order only below 10 steps.
"""
import os

import torch

from reference_code import fixture_arguments, load_module, write_safetensors

BOUNDARIES = (0.45, 0.85)   # FashionQuickStart's stages, as the reference's compare_step: t <= 0.45, t <= 0.85, the rest
VARIANCES = (0.05, 0.3, 1.0)
STEPS = 20
T_ENDS = {1e-3: 'dpm_solver3.safetensors', 1e-4: 'dpm_solver3.end-1e-4.safetensors'}


def load_dpm_solver(reference):
    folder = os.path.join(reference, 'dpm-solver', 'score_sde_pytorch')
    path = os.path.join(folder if os.path.isdir(folder) else reference, 'dpm_solver.py')
    return load_module(path, 'reference_dpm_solver')


def main():
    args = fixture_arguments(__doc__)
    dpm = load_dpm_solver(args.reference)
    for t_end, name in T_ENDS.items():
        write_fixture(dpm, t_end, os.path.join(args.out, name))
    write_fixture(dpm, 1e-3, os.path.join(args.out, 'dpm_solver_pp2m.safetensors'), multistep_pp2m_steps=12)


def write_fixture(dpm, t_end, path, multistep_pp2m_steps=None):
    ns = dpm.NoiseScheduleVP('linear', continuous_beta_0=0.1, continuous_beta_1=20.0)
    calls = []

    def exact(stage, v):
        def noise_prediction(x, t):
            calls.append((t.reshape(-1)[0].item(), stage))
            alpha, sigma = ns.marginal_alpha(t).view(-1, 1, 1, 1), ns.marginal_std(t).view(-1, 1, 1, 1)
            return sigma * x / (alpha ** 2 * v + sigma ** 2)
        return noise_prediction

    pp2m = multistep_pp2m_steps is not None
    solver = dpm.DPM_Solver([exact(k, v) for k, v in enumerate(VARIANCES)], ns, algorithm_type='dpmsolver++' if pp2m else 'dpmsolver',
                            compare_step=BOUNDARIES)
    noise = torch.randn([4, 1, 8, 8], generator=torch.Generator().manual_seed(5))
    steps, order, method = (multistep_pp2m_steps, 2, 'multistep') if pp2m else (STEPS, 3, 'singlestep')

    def run(x):
        with torch.no_grad():
            if pp2m:  # the multistep default, lower_order_final=True
                return solver.sample(x, steps=steps, t_start=1.0, t_end=t_end, order=order, skip_type='logSNR', method=method)
            return solver.sample(x, steps=steps, t_start=1.0, t_end=t_end, order=order, skip_type='logSNR', method=method,
                                 lower_order_final=False)
    samples = run(noise.clone())
    routed = list(calls)
    torch.set_default_dtype(torch.float64)
    try:
        samples_float64 = run(noise.clone().double()).float()
    finally:
        torch.set_default_dtype(torch.float32)
    calls[:] = routed
    meta = {'source': 'LucasYFL/Multistage_Diffusion dpm-solver/score_sde_pytorch/dpm_solver.py DPM_Solver.sample',
            'torch': torch.__version__, 'steps': str(steps), 'order': str(order), 'skip_type': 'logSNR', 'method': method,
            'algorithm_type': 'dpmsolver++' if pp2m else 'dpmsolver',
            't_end': str(t_end), 'compare_step': str(BOUNDARIES), 'variances': str(VARIANCES)}
    write_safetensors(path, {
        'noise': noise, 'samples': samples, 'samples_float64': samples_float64,
        'call_times': torch.tensor([t for t, _ in calls], dtype=torch.float32),
        'call_stages': torch.tensor([s for _, s in calls], dtype=torch.int64)}, meta, sort_names=False)
    print(f'{os.path.basename(path)}: t_end {t_end}, {len(calls)} evaluations, per stage {[sum(1 for _, s in calls if s == k) for k in range(3)]}; '
          f'max |sample| {samples.abs().max().item():.4f}; float32 vs float64 '
          f'{((samples - samples_float64).abs().max() / samples_float64.abs().max()).item():.2e} relative')


if __name__ == '__main__':
    main()
