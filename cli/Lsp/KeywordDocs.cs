using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Semantics;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>
/// One doc line per keyword of each section (README's language reference, shortened), and per schedule, solver and
/// option value: hovers show them and completion offers them. A section's keywords are the ones its binder accepts
/// (<c>KeywordDocsTests</c> compiles each against the compiler).
/// </summary>
internal static class KeywordDocs
{
    public const string Top = "", Model = "model", Stages = "stages", Encoder = "encoder", Level = "level", Decoder = "decoder", Train = "train", Sample = "sample";

    private static readonly Dictionary<string, (string Keyword, string Doc)[]> Sections = new()
    {
        [Top] = new[] { ("model", "`model Name { ... }`: one per file; Name becomes the C# class.") },
        [Model] = new[]
        {
            ("namespace", "`namespace A.B`: the generated C# namespace (default: the project's RootNamespace)."),
            ("image", "`image CxHxW`: the image shape, channels x height x width; square images."),
            ("diffusion", "`diffusion SCHEDULE [predicts eps|x0|v|edm]`: the noise schedule (vp, ddpm, scaled_linear, cosine, edm) and what the network predicts (default: edm with edm(...), eps otherwise)."),
            ("stages", "`stages [in t|in sigma] { name [start, end) ... }`: contiguous stages covering [0, 1] in t, or [sigma_min, sigma_max] in sigma."),
            ("encoder", "`encoder ddpmpp { ... }`, `encoder ncsnpp { ... }` or `encoder adm { ... }`: the encoder shared by every stage, EDM's SongUNet blocks as DDPM++ or NCSN++ (FIR resampling, a residual input pyramid, by default Fourier noise features at twice the width), or latent diffusion's ADM U-Net (the paper's LDM network: conv resampling, GroupNorm32, 32 channels per attention head, the middle blocks in the encoder)."),
            ("decoder", "`decoder STAGE { width N | level R { ... } ... }`: the decoder of one stage; wide near the data, narrow near the noise."),
            ("train", "`train { ... }`: the training defaults (batch, lr, ema, steps, stage_sampling, ...)."),
            ("sample", "`sample { ... }`: the sampling defaults (solver, steps, eta, count, seed, clip, end_time, churn, spacing)."),
        },
        [Encoder] = new[]
        {
            ("width", "`width N`: the stem width; with `mult`, each level's width is N times its multiplier."),
            ("mult", "`mult [..]`: the channel multiplier of each level, highest resolution first."),
            ("blocks", "`blocks N`: residual blocks per level."),
            ("attention", "`attention at R [heads H]`: self-attention at resolutions R, with H heads (default 1; adm: 32 channels per head)."),
            ("embedding", "`embedding positional|fourier [N]`: the noise embedding (default positional for ddpmpp, fourier for ncsnpp) and the width N of its mapping layers (default 4 x width)."),
            ("dropout", "`dropout p`: dropout in the residual blocks, in [0, 1)."),
            ("groups", "`groups G` fixes G GroupNorm groups; `groups max M` gives each width min(M, C/4) (default min(32, C/4))."),
            ("middle", "`middle encoder|decoder`: where the two bottleneck blocks live (default: in each decoder)."),
            ("augment", "`augment N`: the augmentation-label input (EDM's augment_dim, 9); fed by the train section's `augment p`."),
            ("level", "`level R { width W  blocks B  attention }`: one resolution's level (full form, instead of `mult`)."),
        },
        [Level] = new[]
        {
            ("width", "`width W`: this level's channels."),
            ("blocks", "`blocks B`: this level's residual blocks (a decoder level takes encoder blocks + 1 skips)."),
            ("attention", "`attention`: self-attention in this level's blocks."),
        },
        [Decoder] = new[]
        {
            ("width", "`width N`: the encoder's levels at this stem width (compact form)."),
            ("attention", "`attention at R | none`: this decoder's attention resolutions."),
            ("level", "`level R { width W  blocks B  attention }`: one level, lowest resolution first (full form)."),
        },
        [Train] = new[]
        {
            ("batch", "`batch N`: images per training step."),
            ("lr", "`lr x`: the AdamW learning rate (> 0)."),
            ("weight_decay", "`weight_decay x`: AdamW's decoupled weight decay, each step w -= lr x x x w (default 0, as both references train; score_sde's Adam would add it to the gradient instead)."),
            ("warmup", "`warmup N`: steps of linear learning-rate warm-up (from 0 at the first step, as score_sde and EDM)."),
            ("warmup_kimg", "`warmup_kimg K`: the learning-rate warm-up over K thousand training images instead of steps, EDM's lr_rampup_kimg (EDM: 10000), the same at any batch."),
            ("clip", "`clip x`: the gradient norm clip of the per-pixel mean loss; 0 clips nothing. Default: 0 under `edm(...)` (EDM's), 1 otherwise (score_sde's)."),
            ("ema", "`ema x`: the EMA decay of the weights, in (0, 1) (default 0.9999; under `edm(...)` EDM's half-life instead, unless `ema` or `ema_warmup` is written)."),
            ("ema_warmup", "`ema_warmup N`: score_sde's early EMA decay (1 + n) / (10 + n) after n updates, while it is smaller, for the first N steps (default: every step, as score_sde; 0: none)."),
            ("ema_halflife_kimg", "`ema_halflife_kimg H`: EDM's EMA, a half-life of H thousand images instead of a fixed `ema` (default under `edm(...)`: 500, EDM's)."),
            ("ema_rampup", "`ema_rampup r`: with `ema_halflife_kimg`, the half-life is at most r x the images seen so far (EDM: 0.05, the default; 0: none)."),
            ("accumulate", "`accumulate N`: micro-batches per optimizer step."),
            ("steps", "`steps N`: training steps."),
            ("stage_sampling", "`stage_sampling uniform|proportional|mixed|cyclic`: how each batch's stage is drawn (default: proportional under edm(...), as EDM's loss draws it; uniform otherwise, as the DPM-Solver runs; cyclic: the stages in turn, one per stage group, as the LDM runs train one stage per GPU)."),
            ("stage_groups", "`stage_groups N`: the batch is drawn as N equal groups, each inside its own stage (the reference draws one stage per GPU: its CIFAR-10 run, 4 per step of 128); not with `mixed`."),
            ("stage_weights", "`stage_weights [..]`: one loss weight per stage."),
            ("seed", "`seed N`: the trainer's random seed."),
            ("checkpoint_every", "`checkpoint_every N`: steps between checkpoints; 0 writes only the last."),
            ("keep", "`keep N`: checkpoints kept (the highest steps)."),
            ("sample_every", "`sample_every N`: steps between preview grids."),
            ("log_every", "`log_every N`: steps between metrics rows; 0 logs every step."),
            ("augment", "`augment p`: EDM's non-leaking augmentation with probability p in [0, 1]; needs the encoder's `augment 9`."),
            ("eval_every", "`eval_every N`: every N steps sample and log FD, precision and recall (0: off)."),
            ("eval_count", "`eval_count K`: images sampled per evaluation (default 500)."),
            ("flip", "`flip true|false`: mirror a random half of each batch left-right (score_sde's random_flip, on in its CIFAR-10 configs; default false)."),
            ("precision", "`precision auto|fp32|bf16`: the forward pass's arithmetic; auto (default) is bf16 autocast on CUDA and float32 elsewhere, fp32 trains as the reference code (TF32 off), bf16 autocasts on any device. Weights, optimizer and EMA stay float32."),
        },
        [Sample] = new[]
        {
            ("solver", $"`solver {string.Join("|", SolverNames.All)}`: the sampler."),
            ("steps", "`steps N`: solver steps."),
            ("eta", "`eta x`: DDIM's stochasticity (0: deterministic)."),
            ("count", "`count N`: images per `msd sample`."),
            ("seed", "`seed N`: the sampler's random seed."),
            ("clip", "`clip true|false`: clamp each clean-image estimate to [-1, 1]."),
            ("churn", "`churn x`: heun's stochasticity, EDM's S_churn (Algorithm 2): each step first raises sigma by a factor 1 + min(x / steps, sqrt(2) - 1) and adds the matching fresh noise; 0 (default) is deterministic heun. EDM's ImageNet runs use 40 to 80."),
            ("churn_min", "`churn_min sigma`: the smallest sigma heun churns at (EDM's S_min; default 0)."),
            ("churn_max", "`churn_max sigma`: the largest sigma heun churns at (EDM's S_max; default no limit)."),
            ("churn_noise", "`churn_noise x`: the scale of heun's added noise (EDM's S_noise, in (0, 2]; default 1)."),
            ("spacing", "`spacing logsnr|time`: where the DPM solvers (dpm_solver2, dpm_solver3, dpm_solver_pp2m) place their steps: uniform in lambda = -ln sigma (logsnr, the default; the paper's VP runs) or uniform in t (time; latent diffusion's DPMSolverSampler, the paper's LDM runs: dpm_solver_pp2m, 20 steps; from 10 to 14 steps that sampler's last step is first order and this one's is not)."),
            ("end_time", "`end_time t`: where sampling stops (vp and cosine: default 1e-3, score_sde's sampling eps; the paper's 20-step DPM-Solver figures use 1e-4; not edm, which stops at sigma_min)."),
        },
    };

    /// <summary>The schedules of `diffusion`, with their parameters.</summary>
    public static readonly (string Name, string Doc)[] Schedules =
    {
        ("vp", "`vp(beta_min, beta_max)`: the continuous VP SDE (defaults 0.1, 20)."),
        ("ddpm", "`ddpm(beta_start, beta_end, steps)`: discrete DDPM betas (defaults 1e-4, 0.02, 1000); no closed-form sigma."),
        ("scaled_linear", "`scaled_linear(beta_start, beta_end, steps)`: discrete DDPM betas whose square roots are linear, latent diffusion's \"linear\" schedule (defaults 1e-4, 0.02, 1000; the paper's LDM runs: 0.0015, 0.0195); no closed-form sigma."),
        ("cosine", "`cosine(s)`: Nichol and Dhariwal's cosine schedule (default s = 0.008)."),
        ("edm", "`edm(sigma_min, sigma_max, rho, p_mean, p_std, sigma_data)`: Karras et al.'s EDM (defaults 0.002, 80, 7, -1.2, 1.2, 0.5); goes with `predicts edm`."),
    };

    public static readonly (string Name, string Doc)[] Solvers =
    {
        ("ddpm", "ancestral DDPM sampling"), ("ddim", "DDIM (`eta` sets its noise)"), ("dpm_solver2", "DPM-Solver, second order"),
        ("dpm_solver3", "DPM-Solver, third order"), ("dpm_solver_pp2m", "DPM-Solver++ 2M"), ("heun", "EDM's Heun sampler (`churn` makes it stochastic)"), ("euler", "Euler steps"),
    };

    /// <summary>
    /// The words completion offers after a word (the key), and where: in which section, in the statement of which keyword.
    /// Elsewhere the same word is something else (a stage named `in`, `middle` in the stages), and gets nothing.
    /// </summary>
    public static readonly Dictionary<string, (string Section, string Statement, string[] Words)> Options = new()
    {
        ["predicts"] = (Model, "diffusion", new[] { "eps", "x0", "v", "edm" }),
        ["stage_sampling"] = (Train, "stage_sampling", System.Linq.Enumerable.ToArray(DiffusionDsl.Runtime.Training.StageSamplingNames.ByName.Keys)),
        ["embedding"] = (Encoder, "embedding", new[] { "positional", "fourier" }),
        ["middle"] = (Encoder, "middle", new[] { "encoder", "decoder" }),
        ["clip"] = (Sample, "clip", new[] { "true", "false" }),
        ["spacing"] = (Sample, "spacing", DiffusionDsl.Runtime.Sampling.TimeSpacingNames.All),
        ["flip"] = (Train, "flip", new[] { "true", "false" }),
        ["precision"] = (Train, "precision", new[] { "auto", "fp32", "bf16" }),
        ["stages"] = (Model, "stages", new[] { "in" }),
        ["in"] = (Model, "stages", new[] { "t", "sigma" }),
        ["encoder"] = (Model, "encoder", DiffusionDsl.Runtime.Networks.EncoderFamilies.Keywords),
        ["groups"] = (Encoder, "groups", new[] { "max" }),
    };

    /// <summary>The keywords of a section, with their doc lines (a `level` inside the encoder or a decoder is <see cref="Level"/>).</summary>
    public static IReadOnlyList<(string Keyword, string Doc)> KeywordsOf(string section) =>
        Sections.TryGetValue(section, out var keywords) ? keywords : System.Array.Empty<(string, string)>();

    public static string? Keyword(string section, string keyword) =>
        KeywordsOf(section).FirstOrDefault(k => k.Keyword == keyword).Doc;

    public static string? Schedule(string name) => Schedules.FirstOrDefault(s => s.Name == name).Doc;

    public static string? Solver(string name) =>
        Solvers.FirstOrDefault(s => s.Name == name).Doc is { } doc ? $"`{name}`: {doc}" : null;
}
