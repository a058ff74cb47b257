using System;

namespace DiffusionDsl.Cli.Tests;

/// <summary>A small uncompressed IDX image file (the MNIST format).</summary>
internal static class IdxFile
{
    public static byte[] Images(int count, int height, int width, Func<int, byte> pixel)
    {
        var bytes = new byte[16 + count * height * width];
        bytes[2] = 0x08; bytes[3] = 3;
        BigEndian(bytes, 4, count); BigEndian(bytes, 8, height); BigEndian(bytes, 12, width);
        for (int i = 0; i < count * height * width; i++) bytes[16 + i] = pixel(i);
        return bytes;
    }

    private static void BigEndian(byte[] bytes, int at, int value)
    {
        bytes[at] = (byte)(value >> 24); bytes[at + 1] = (byte)(value >> 16);
        bytes[at + 2] = (byte)(value >> 8); bytes[at + 3] = (byte)value;
    }
}
