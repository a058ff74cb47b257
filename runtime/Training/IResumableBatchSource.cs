namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// A batch source with a position, such as the current epoch's shuffled order and how far into it it is. Checkpoints
/// save that position, so a resumed run draws the batches an uninterrupted one would.
/// </summary>
public interface IResumableBatchSource : IBatchSource
{
    byte[] SaveState();

    /// <summary>Continues from a saved position; a position saved for other data (another image count) is ignored.</summary>
    void LoadState(byte[] state);
}
