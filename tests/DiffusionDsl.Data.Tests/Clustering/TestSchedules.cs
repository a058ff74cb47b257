using System;
using DiffusionDsl.Runtime.Schedules;

namespace DiffusionDsl.Data.Tests.Clustering;

/// <summary>Schedules private to these tests, so they need nothing from runtime/Schedules but the interface.</summary>
internal static class TestSchedules
{
    /// <summary>s_t = 1 - t/2, sigma_t = 4 t: a non-trivial scale, so tests see that it cancels.</summary>
    public sealed class Linear : INoiseSchedule
    {
        public double Scale(double t) => 1.0 - 0.5 * t;
        public double Sigma(double t) => 4.0 * t;
        public double TimeOfSigma(double sigma) => sigma / 4.0;
        public double NoiseLabel(double t) => t;
        public double MinTime => 0.01;
    }

    /// <summary>The continuous VP SDE with beta_min 0.1, beta_max 20 (the paper's DPM-Solver setting).</summary>
    public sealed class Vp : INoiseSchedule
    {
        private static double LogScale(double t) => -0.25 * t * t * 19.9 - 0.05 * t;
        public double Scale(double t) => Math.Exp(LogScale(t));
        public double Sigma(double t) => Math.Sqrt(Math.Exp(-2.0 * LogScale(t)) - 1.0);
        public double TimeOfSigma(double sigma)
        {
            double l = 0.5 * Math.Log(1.0 + sigma * sigma);
            return 4.0 * l / (Math.Sqrt(0.01 + 4.0 * 19.9 * l) + 0.1);
        }
        public double NoiseLabel(double t) => 999.0 * t;
        public double MinTime => 1e-3;
    }
}
