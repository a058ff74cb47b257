using System;
using System.IO;

namespace DiffusionDsl.Runtime.Checkpoints;

/// <summary>
/// Writes a file under a temporary name and renames it when complete, so a reader never sees half a file; a write that
/// fails (a full disk, say) removes its temporary file instead of leaving it beside the checkpoints.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<FileStream> write, int bufferBytes = 1 << 16)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        // Opening it is outside the clean-up: a temporary file this call could not open is another writer's.
        var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferBytes);
        try
        {
            using (file)
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temporary); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // the first failure is the one to report
            throw;
        }
    }
}
