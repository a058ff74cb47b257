namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// A batch source that can say which images it serves. Checkpoints keep that, so a run resumed on other data (another
/// file, a --limit, another dataset of the same shape) says so instead of going on as if it were the same run.
/// </summary>
public interface IFingerprintedBatchSource : IBatchSource
{
    /// <summary>The images' count, shape and a hash of their values, e.g. "60,000 images 1x28x28, sha256 0123456789ab".</summary>
    string Fingerprint { get; }
}
