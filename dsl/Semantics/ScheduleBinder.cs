using System;
using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;
using D = DiffusionDsl.Runtime.Schedules.ScheduleDefaults;

namespace DiffusionDsl.Language.Semantics;

/// <summary>Binds vp(...), ddpm(...), scaled_linear(...), cosine(...) or edm(...).</summary>
internal sealed class ScheduleBinder
{
    private static readonly Dictionary<string, string[]> Parameters = new()
    {
        ["vp"] = new[] { "beta_min", "beta_max" },
        ["ddpm"] = new[] { "beta_start", "beta_end", "steps" },
        ["scaled_linear"] = new[] { "beta_start", "beta_end", "steps" },
        ["cosine"] = new[] { "s" },
        ["edm"] = new[] { "sigma_min", "sigma_max", "rho", "p_mean", "p_std", "sigma_data" },
    };

    private readonly ValueReader _read;

    public ScheduleBinder(ValueReader read) => _read = read;

    public ScheduleSpec? Bind(MsdValue? value)
    {
        if (value is null) return null;
        string kind;
        IReadOnlyList<NamedValue> arguments;
        switch (value)
        {
            case CallValue call: kind = call.Name; arguments = call.Arguments; break;
            case NameValue name: kind = name.Name; arguments = new NamedValue[0]; break;
            default:
                _read.Diagnostics.Error(DiagnosticIds.WrongValue, value.Span, $"Expected a schedule such as vp(beta_min = 0.1, beta_max = 20), not {Display.Quote(value)}");
                return null;
        }
        if (!Parameters.TryGetValue(kind, out var allowed))
        {
            _read.Diagnostics.Error(DiagnosticIds.UnknownOption, value is CallValue c ? c.NameSpan : value.Span,
                $"Unknown schedule {Display.Quote(kind)}; {Suggestions.Hint(kind, Parameters.Keys)}");
            return null;
        }

        var values = new Dictionary<string, (double Value, SourceSpan Span)>();
        bool ok = true;
        foreach (var argument in arguments)
        {
            if (!allowed.Contains(argument.Name))
            {
                _read.Diagnostics.Error(DiagnosticIds.UnknownKeyword, argument.NameSpan,
                    $"Unknown parameter {Display.Quote(argument.Name)} of the {kind} schedule; {Suggestions.Hint(argument.Name, allowed)}");
                ok = false;
                continue;
            }
            if (values.ContainsKey(argument.Name))
            {
                _read.Diagnostics.Error(DiagnosticIds.DuplicateSetting, argument.NameSpan, $"{Display.Quote(argument.Name)} is given twice");
                ok = false;
                continue;
            }
            var number = _read.Number(argument.Value, argument.Name);
            if (number is null) { ok = false; continue; }
            values[argument.Name] = (number.Value, argument.Value.Span);
        }
        if (!ok) return null;

        double Get(string key, double fallback) => values.TryGetValue(key, out var v) ? v.Value : fallback;
        var spec = kind switch
        {
            "vp" => new ScheduleSpec(ScheduleKind.Vp, BetaMin: Get("beta_min", D.BetaMin), BetaMax: Get("beta_max", D.BetaMax)),
            "ddpm" or "scaled_linear" => new ScheduleSpec(ScheduleKind.Ddpm, BetaStart: Get("beta_start", D.BetaStart), BetaEnd: Get("beta_end", D.BetaEnd),
                Steps: (int)Get("steps", D.DdpmSteps), SqrtSpacedBetas: kind == "scaled_linear"),
            "cosine" => new ScheduleSpec(ScheduleKind.Cosine, CosineOffset: Get("s", D.CosineOffset)),
            _ => new ScheduleSpec(ScheduleKind.Edm, SigmaMin: Get("sigma_min", D.SigmaMin), SigmaMax: Get("sigma_max", D.SigmaMax), Rho: Get("rho", D.Rho),
                PMean: Get("p_mean", D.PMean), PStd: Get("p_std", D.PStd), SigmaData: Get("sigma_data", D.SigmaData)),
        };
        return Validate(spec, values, value.Span) ? spec : null;
    }

    private bool Validate(ScheduleSpec spec, Dictionary<string, (double Value, SourceSpan Span)> values, SourceSpan whole)
    {
        bool ok = true;
        void Require(bool condition, string key, string message)
        {
            if (condition) return;
            _read.Diagnostics.Error(DiagnosticIds.ValueOutOfRange, values.TryGetValue(key, out var v) ? v.Span : whole, message);
            ok = false;
        }
        switch (spec.Kind)
        {
            case ScheduleKind.Vp:
                Require(spec.BetaMin > 0, "beta_min", "beta_min must be positive");
                Require(spec.BetaMax > spec.BetaMin && spec.BetaMax < 1000, "beta_max", "beta_max must be greater than beta_min (and below 1000)");
                break;
            case ScheduleKind.Ddpm:
                Require(spec.BetaStart > 0 && spec.BetaStart < 1, "beta_start", "beta_start must be in (0, 1)");
                Require(spec.BetaEnd > spec.BetaStart && spec.BetaEnd < 1, "beta_end", "beta_end must be in (beta_start, 1)");
                Require(spec.Steps >= 2 && spec.Steps <= 100000 && (!values.TryGetValue("steps", out var steps) || steps.Value % 1 == 0), "steps", "steps must be a whole number in [2, 100000]");
                if (ok && DdpmSigmaMax(spec) is var sigmaMax && !(sigmaMax < MaxDdpmSigma))
                    Require(false, values.ContainsKey("beta_end") ? "beta_end" : values.ContainsKey("steps") ? "steps" : "beta_start",
                        $"beta_start, beta_end and steps put sigma at t = 1 at {(double.IsPositiveInfinity(sigmaMax) ? "infinity" : Display.Number(sigmaMax))} (sigma^2 = prod 1 / (1 - beta) - 1), " +
                        $"above {Display.Number(MaxDdpmSigma)}: the sampler's clean-image estimate x_t / s_t, about sigma in size, would pass float32's largest value (3.4E+38); lower beta_end or steps");
                break;
            case ScheduleKind.Cosine:
                Require(spec.CosineOffset > 0 && spec.CosineOffset < 1, "s", "s must be in (0, 1)");
                break;
            case ScheduleKind.Edm:
                Require(spec.SigmaMin > 0, "sigma_min", "sigma_min must be positive");
                Require(spec.SigmaMax > spec.SigmaMin && spec.SigmaMax < 1e6, "sigma_max", "sigma_max must be greater than sigma_min and below 1E+06");
                Require(spec.Rho > 0 && spec.Rho <= 100, "rho", "rho must be in (0, 100]");
                // The schedule runs between sigma_min^(1/rho) and sigma_max^(1/rho): a small rho puts them past float64 (80^1000
                // is infinite, and every sigma and the loss with it).
                if (spec.Rho > 0 && spec.SigmaMin > 0 && spec.SigmaMax > spec.SigmaMin)
                    Require(Math.Pow(spec.SigmaMax, 1 / spec.Rho) <= 1e300 && Math.Pow(spec.SigmaMin, 1 / spec.Rho) >= 1e-300, "rho",
                        $"rho {Display.Number(spec.Rho)} is too small for sigma in [{Display.Number(spec.SigmaMin)}, {Display.Number(spec.SigmaMax)}]: " +
                        "the schedule's sigma^(1/rho) leaves float64's range (EDM: 7)");
                // Training draws sigma = exp(p_mean + p_std n), n standard normal: bounded so that its tails stay finite.
                Require(spec.PMean >= -10 && spec.PMean <= 10, "p_mean", "p_mean must be in [-10, 10] (EDM: -1.2)");
                Require(spec.PStd > 0 && spec.PStd <= 5, "p_std", "p_std must be in (0, 5] (EDM: 1.2)");
                Require(spec.SigmaData > 0 && spec.SigmaData <= 100, "sigma_data", "sigma_data must be in (0, 100] (EDM: 0.5, for data in [-1, 1])");
                break;
        }
        return ok;
    }

    /// <summary>
    /// The largest sigma a ddpm(...) schedule may reach at t = 1: there x_t / s_t is about sigma, in float32 (largest
    /// 3.4e38), with room for the data's own scale. The default betas reach 152 at 1000 steps and 2e4 at 2000.
    /// </summary>
    private const double MaxDdpmSigma = 1e30;

    /// <summary>sigma at t = 1 of the discrete schedule: sqrt(prod 1 / (1 - beta_n) - 1), the betas as DdpmLinearSchedule makes them.</summary>
    private static double DdpmSigmaMax(ScheduleSpec spec)
    {
        double sum = 0;
        foreach (var beta in Runtime.Schedules.DdpmBetas.Of(spec.BetaStart, spec.BetaEnd, spec.Steps, spec.SqrtSpacedBetas))
            sum -= Math.Log(1 - beta);
        return Math.Sqrt(Math.Exp(sum) - 1);
    }
}
