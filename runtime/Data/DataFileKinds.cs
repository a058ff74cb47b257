using System;
using System.IO;

namespace DiffusionDsl.Runtime.Data;

/// <summary>
/// Recognises, by their first bytes or name, the files most often given where an IDX file was expected (an archive still
/// packed, one image, a NumPy array), so the error says what to give instead of reporting a wrong IDX magic number.
/// </summary>
internal static class DataFileKinds
{
    /// <summary>What to do instead, for a file that is not an IDX file but one of these; null for anything else.</summary>
    public static string? Misplaced(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        if (name.EndsWith(".tar.gz", StringComparison.Ordinal) || name.EndsWith(".tgz", StringComparison.Ordinal) || name.EndsWith(".tar", StringComparison.Ordinal))
            return "a tar archive (CIFAR-10's cifar-10-binary.tar.gz is one): extract it and give the folder it holds.";
        var head = new byte[264];
        int read;
        using (var file = File.OpenRead(path)) read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        bool Starts(params byte[] magic) => read >= magic.Length && head.AsSpan(0, magic.Length).SequenceEqual(magic);
        if (Starts((byte)'P', (byte)'K', 3, 4)) return "a zip archive: extract it and give the folder of images (or the IDX file) it holds.";
        if (read >= 262 && head.AsSpan(257, 5).SequenceEqual("ustar"u8)) return "a tar archive: extract it and give the folder it holds.";
        if (Starts(0x89, (byte)'P', (byte)'N', (byte)'G') || Starts(0xFF, 0xD8, 0xFF))
            return "a single image: give the folder that holds the training images.";
        if (Starts(0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'))
            return "a NumPy .npy array: save it as a .safetensors file holding one [N, C, H, W] float tensor to train on it as it is.";
        return null;
    }
}
