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
/// </summary>
public sealed class ParameterEma : IDisposable
{
    private readonly nn.Module _module;
    private readonly List<(string Name, Parameter Live, Tensor Shadow)> _entries;

    public double Decay { get; }
    public int WarmupSteps { get; }

    public ParameterEma(nn.Module module, double decay, int warmupSteps)
    {
        _module = module; Decay = decay; WarmupSteps = warmupSteps;
        using var noGrad = no_grad();
        _entries = module.named_parameters().Select(p => (p.name, p.parameter, p.parameter.detach().clone().DetachFromDisposeScope())).ToList();
    }

    public double DecayAt(long step) => step < WarmupSteps ? Math.Min(Decay, (1.0 + step) / (10.0 + step)) : Decay;

    /// <summary>
    /// Moves every shadow towards its parameter. With onlyWithGradient, parameters that got no gradient this step
    /// (a stage decoder without samples) keep their shadow as it is, so an idle decoder's average is not pulled
    /// towards weights that did not train.
    /// </summary>
    public void Update(long step, bool onlyWithGradient = false)
    {
        double decay = DecayAt(step);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (_, live, shadow) in _entries)
        {
            if (onlyWithGradient && live.grad is null) continue;
            shadow.lerp_(live, 1.0 - decay);
        }
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
    }

    /// <summary>Puts the averaged weights into the module until the returned handle is disposed.</summary>
    public IDisposable Apply()
    {
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
