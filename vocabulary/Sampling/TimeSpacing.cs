namespace DiffusionDsl.Runtime.Sampling;

/// <summary>
/// Where the DPM solvers place their steps between t = 1 and the end time (DPM-Solver's skip_type): uniform in
/// lambda = -ln sigma ("logSNR", the default, as the paper's VP runs sample) or uniform in t ("time_uniform", as the
/// paper's LDM runs sample with latent diffusion's DPMSolverSampler; its copy of DPM-Solver lowers the last step's order
/// below 15 steps where this runtime does below 10, so from 10 to 14 steps the last step differs).
/// </summary>
public enum TimeSpacing { LogSnr, Time }

/// <summary>The .msd's (and `msd sample --spacing`'s) names of the spacings.</summary>
public static class TimeSpacingNames
{
    public const string LogSnr = "logsnr";
    public const string Time = "time";

    public static readonly string[] All = { LogSnr, Time };

    public static TimeSpacing KindOf(string name) => name switch
    {
        LogSnr => TimeSpacing.LogSnr,
        Time => TimeSpacing.Time,
        _ => throw new System.ArgumentException($"'{name}' is not a spacing: write {LogSnr} or {Time}.", nameof(name)),
    };

    public static string NameOf(TimeSpacing spacing) => spacing == TimeSpacing.Time ? Time : LogSnr;

    /// <summary>The solvers whose steps it places: the DPM solvers (the others have a grid of their own).</summary>
    public static bool AppliesTo(SolverKind solver) => solver is SolverKind.DpmSolver2 or SolverKind.DpmSolver3 or SolverKind.DpmSolverPlusPlus2M;
}
