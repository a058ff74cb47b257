namespace DiffusionDsl.Runtime.Schedules;

/// <summary>
/// A forward process in the paper's notation: x_t = s_t * x_0 + s_t * sigma_t * eps, for diffusion
/// time t in [0, 1] (0 = data, 1 = noise). Every schedule maps t to sigma and back, so a stage
/// boundary written in t or in sigma means the same thing everywhere.
/// </summary>
public interface INoiseSchedule
{
    /// <summary>s_t, the signal scale.</summary>
    double Scale(double t);

    /// <summary>sigma_t, the noise level relative to the scaled signal.</summary>
    double Sigma(double t);

    /// <summary>The inverse of <see cref="Sigma"/>.</summary>
    double TimeOfSigma(double sigma);

    /// <summary>The value the network's noise embedding receives for time t.</summary>
    double NoiseLabel(double t);

    /// <summary>
    /// <see cref="NoiseLabel(double)"/> for every element of t, on t's device. Schedules override it with
    /// tensor arithmetic; this fallback maps on the CPU (a device round trip per call).
    /// </summary>
    TorchSharp.torch.Tensor NoiseLabels(TorchSharp.torch.Tensor t)
    {
        var labels = System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(HostReads.ToArray<double>(t.to_type(TorchSharp.torch.ScalarType.Float64), "INoiseSchedule.NoiseLabels"), NoiseLabel));
        return TorchSharp.torch.tensor(labels, dtype: TorchSharp.torch.ScalarType.Float32, device: t.device);
    }

    /// <summary>
    /// <see cref="Scale"/> for every element of t (float64), on t's device. Schedules override it with tensor arithmetic, so
    /// the training step evaluates its noise levels without reading t back to the host; this fallback maps on the host.
    /// </summary>
    TorchSharp.torch.Tensor Scales(TorchSharp.torch.Tensor t) => MapOnHost(t, Scale, "INoiseSchedule.Scales");

    /// <summary><see cref="Sigma"/> for every element of t (float64), on t's device; see <see cref="Scales"/>.</summary>
    TorchSharp.torch.Tensor Sigmas(TorchSharp.torch.Tensor t) => MapOnHost(t, Sigma, "INoiseSchedule.Sigmas");

    /// <summary>The host fallback of the tensor forms: one host read of t (counted by <see cref="HostReads"/>).</summary>
    protected static TorchSharp.torch.Tensor MapOnHost(TorchSharp.torch.Tensor t, System.Func<double, double> f, string site)
    {
        var values = System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(HostReads.ToArray<double>(t.to_type(TorchSharp.torch.ScalarType.Float64), site), f));
        return TorchSharp.torch.tensor(values, dtype: TorchSharp.torch.ScalarType.Float64, device: t.device);
    }

    /// <summary>The smallest t that training and sampling use (e.g. 1e-3 for VP).</summary>
    double MinTime { get; }

    /// <summary>log-SNR, lambda_t = -2 ln sigma_t.</summary>
    double LogSnr(double t) => -2.0 * System.Math.Log(Sigma(t));

    /// <summary>The inverse of <see cref="LogSnr"/>.</summary>
    double TimeOfLogSnr(double logSnr) => TimeOfSigma(System.Math.Exp(-0.5 * logSnr));

    /// <summary>The smallest t training draws: <see cref="MinTime"/> unless the schedule's reference trains below where it samples.</summary>
    double TrainingMinTime => MinTime;

    /// <summary>
    /// The cumulative distribution of the training times over [TrainingMinTime, 1]: uniform unless the
    /// schedule has its own (EDM's lognormal). Stage odds for the schedule-proportional policy are
    /// differences of this function.
    /// </summary>
    double TrainingCdf(double t) => System.Math.Clamp((t - TrainingMinTime) / (1.0 - TrainingMinTime), 0.0, 1.0);

    /// <summary>The inverse of <see cref="TrainingCdf"/>.</summary>
    double TrainingQuantile(double p) => TrainingMinTime + System.Math.Clamp(p, 0.0, 1.0) * (1.0 - TrainingMinTime);

    /// <summary><see cref="TrainingQuantile(double)"/> for every element of p (float64), on p's device, with the same arithmetic.</summary>
    TorchSharp.torch.Tensor TrainingQuantiles(TorchSharp.torch.Tensor p) => p.clamp(0.0, 1.0).mul(1.0 - TrainingMinTime).add(TrainingMinTime);
}
