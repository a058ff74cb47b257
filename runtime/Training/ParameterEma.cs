using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// An exponential moving average of a module's parameters. With a warm-up, the decay starts small,
/// min(decay, (1 + k) / (10 + k)) for the first steps, so early weights do not dominate the average.
/// A parameter that does not train in a step (an idle stage decoder) keeps its shadow untouched; the decay it
/// missed is kept as a number and applied, towards its unchanged weights, just before it trains again or the
/// average is used (<see cref="Settle"/>): what EDM's every-step update does, without touching idle tensors.
/// </summary>
public sealed class ParameterEma : IDisposable
{
    private readonly nn.Module _module;
    private readonly List<(string Name, Parameter Live, Tensor Shadow)> _entries;
    // Per entry, the product of the decays of the steps it sat out: its shadow still owes (1 - this) of a pull.
    private readonly double[] _missedDecay;

    public double Decay { get; }
    public int WarmupSteps { get; }
    /// <summary>EDM's half-life schedule, which replaces <see cref="Decay"/> and the warm-up when set.</summary>
    public EmaHalfLife? HalfLife { get; }

    public ParameterEma(nn.Module module, double decay, int warmupSteps, EmaHalfLife? halfLife = null)
    {
        _module = module; Decay = decay; WarmupSteps = warmupSteps; HalfLife = halfLife;
        using var noGrad = no_grad();
        _entries = module.named_parameters().Select(p => (p.name, p.parameter, p.parameter.detach().clone().DetachFromDisposeScope())).ToList();
        _missedDecay = Enumerable.Repeat(1.0, _entries.Count).ToArray();
    }

    /// <summary>
    /// The decay of the update after <paramref name="step"/> steps: score_sde's models/ema.py counts that update first
    /// (num_updates = step + 1), then takes min(decay, (1 + num_updates) / (10 + num_updates)).
    /// </summary>
    /// <param name="imagesBefore">
    /// The training images seen before this update, which EDM's half-life counts (its cur_nimg); by default step x batch,
    /// which a run whose batch changed on resuming does not match.
    /// </param>
    public double DecayAt(long step, long? imagesBefore = null) =>
        HalfLife is { } h ? h.DecayAt(imagesBefore ?? step * h.BatchSize)
        : step < WarmupSteps ? Math.Min(Decay, (2.0 + step) / (11.0 + step)) : Decay;

    /// <summary>
    /// Moves every shadow towards its parameter. With onlyWithGradient, a parameter that got no gradient this step
    /// (a stage decoder without samples) keeps its shadow as it is and records the decay it missed instead.
    /// </summary>
    public void Update(long step, bool onlyWithGradient = false, long? imagesBefore = null)
    {
        double decay = DecayAt(step, imagesBefore);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < _entries.Count; i++)
        {
            var (_, live, shadow) = _entries[i];
            if (onlyWithGradient && live.grad is null) { _missedDecay[i] *= decay; continue; }
            Pay(i);
            shadow.lerp_(live, 1.0 - decay);
        }
    }

    /// <summary>
    /// Applies the decay owed by parameters about to change: call it before the optimizer step, while an idle
    /// parameter still holds the weights its missed steps would have pulled the shadow towards.
    /// </summary>
    public void SettleTraining()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < _entries.Count; i++)
            if (_entries[i].Live.grad is not null) Pay(i);
    }

    /// <summary>Applies every owed decay, so each shadow is the average an every-step EMA would hold now.</summary>
    public void Settle()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < _entries.Count; i++) Pay(i);
    }

    private void Pay(int i)
    {
        if (_missedDecay[i] == 1.0) return;
        _entries[i].Shadow.lerp_(_entries[i].Live, 1.0 - _missedDecay[i]);
        _missedDecay[i] = 1.0;
    }

    public IReadOnlyList<KeyValuePair<string, Tensor>> State => _entries.Select(e => new KeyValuePair<string, Tensor>(e.Name, e.Shadow)).ToList();

    public void Load(IReadOnlyList<KeyValuePair<string, Tensor>> state)
    {
        var byName = state.ToDictionary(p => p.Key, p => p.Value);
        using var noGrad = no_grad();
        foreach (var (name, _, shadow) in _entries)
        {
            if (!byName.TryGetValue(name, out var saved)) throw new InvalidOperationException($"EMA state lacks '{name}'.");
            shadow.copy_(saved);
        }
        Array.Fill(_missedDecay, 1.0);
    }

    /// <summary>Puts the averaged weights into the module until the returned handle is disposed.</summary>
    public IDisposable Apply()
    {
        Settle();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var saved = _entries.Select(e => e.Live.detach().clone().DetachFromDisposeScope()).ToList();
        foreach (var (_, live, shadow) in _entries) live.copy_(shadow);
        return new Restore(_entries.Select(e => e.Live).ToList(), saved);
    }

    public void Dispose()
    {
        foreach (var e in _entries) e.Shadow.Dispose();
    }

    private sealed class Restore : IDisposable
    {
        private readonly List<Parameter> _live;
        private readonly List<Tensor> _saved;
        public Restore(List<Parameter> live, List<Tensor> saved) { _live = live; _saved = saved; }

        public void Dispose()
        {
            using var noGrad = no_grad();
            for (int i = 0; i < _live.Count; i++) { _live[i].copy_(_saved[i]); _saved[i].Dispose(); }
        }
    }
}
