using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// Sets VER_FLG_WEAK on one version requirement (Vernaux entry) of an ELF64 little-endian shared
// library, when the system's libstdc++ does not define that version. Idempotent.
public class MarkElfVersionWeak : Task
{
    [Required] public string LibraryPath { get; set; } = "";
    [Required] public string VersionName { get; set; } = "";

    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    private static readonly string[] LibStdCxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
    };

    public override bool Execute()
    {
        try
        {
            if (SystemProvidesVersion())
            {
                Log.LogMessage(MessageImportance.Low, $"System libstdc++ provides {VersionName}; {LibraryPath} left as shipped.");
                return true;
            }
            var bytes = File.ReadAllBytes(LibraryPath);
            var changed = MarkWeak(bytes);
            if (changed > 0)
            {
                var temp = LibraryPath + ".patching";
                File.WriteAllBytes(temp, bytes);
                File.Copy(temp, LibraryPath, overwrite: true);
                File.Delete(temp);
                Log.LogMessage(MessageImportance.Normal, $"Marked {VersionName} weak in {LibraryPath} (system libstdc++ lacks it).");
            }
            return true;
        }
        catch (Exception e)
        {
            Log.LogWarning($"Could not patch {LibraryPath}: {e.Message}");
            return true;
        }
    }

    private bool SystemProvidesVersion()
    {
        var needle = Encoding.ASCII.GetBytes(VersionName + "\0");
        foreach (var path in LibStdCxxCandidates)
        {
            if (!File.Exists(path)) continue;
            return IndexOf(File.ReadAllBytes(path), needle) >= 0;
        }
        return false;
    }

    private int MarkWeak(byte[] b)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[4] != 2 || b[5] != 1)
            throw new InvalidDataException("not an ELF64 little-endian file");
        long shoff = BitConverter.ToInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A);
        int shnum = BitConverter.ToUInt16(b, 0x3C);
        int changed = 0;
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(b, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = BitConverter.ToInt64(b, (int)sh + 0x18);
            int link = (int)BitConverter.ToUInt32(b, (int)sh + 0x28);
            long strtab = BitConverter.ToInt64(b, (int)(shoff + (long)link * shentsize) + 0x18);
            long need = offset;
            while (true)
            {
                int count = BitConverter.ToUInt16(b, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(b, (int)need + 8);
                for (int a = 0; a < count; a++)
                {
                    var name = ReadCString(b, strtab + BitConverter.ToUInt32(b, (int)aux + 8));
                    if (name == VersionName)
                    {
                        ushort flags = BitConverter.ToUInt16(b, (int)aux + 4);
                        if ((flags & VerFlagWeak) == 0)
                        {
                            flags |= VerFlagWeak;
                            b[aux + 4] = (byte)(flags & 0xff);
                            b[aux + 5] = (byte)(flags >> 8);
                            changed++;
                        }
                    }
                    uint nextAux = BitConverter.ToUInt32(b, (int)aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = BitConverter.ToUInt32(b, (int)need + 12);
                if (next == 0) break;
                need += next;
            }
        }
        return changed;
    }

    private static string ReadCString(byte[] b, long at)
    {
        int end = (int)at;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)at, end - (int)at);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
