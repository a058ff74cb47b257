using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace DiffusionDsl.Runtime.Checkpoints.Safetensors;

/// <summary>
/// The JSON header of a safetensors file: {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets"}, ...}.
/// Parsing checks everything a reader relies on; each error names the file and, where there is one, the tensor.
/// </summary>
internal static class SafetensorsHeader
{
    public const string MetadataKey = "__metadata__";

    public static (List<SafetensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(string path, ReadOnlySpan<byte> json, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"the safetensors header is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException(path, "the safetensors header is not a JSON object.");
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>();
            var seen = new HashSet<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name)) throw new CheckpointException(path, $"tensor '{property.Name}' appears twice in the safetensors header.");
                if (property.Name == MetadataKey) ReadMetadata(path, property.Value, metadata);
                else entries.Add(ReadEntry(path, property.Name, property.Value));
            }
            CheckCoverage(path, entries, dataLength);
            return (entries, metadata);
        }
    }

    /// <summary>The header's UTF-8 bytes, padded with spaces to a multiple of 8 as the reference writer does.</summary>
    public static byte[] Serialise(IReadOnlyList<SafetensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var memory = new MemoryStream();
        using (var json = new Utf8JsonWriter(memory))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            foreach (var entry in entries)
            {
                json.WriteStartObject(entry.Name);
                SafetensorsDtypes.TryName(entry.DType, out var dtype);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (var size in entry.Shape) json.WriteNumberValue(size);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(entry.Begin);
                json.WriteNumberValue(entry.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - memory.Length % 8) % 8);
        for (int i = 0; i < padding; i++) memory.WriteByte((byte)' ');
        return memory.ToArray();
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new CheckpointException(path, "the safetensors __metadata__ is not an object of strings.");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new CheckpointException(path, $"the safetensors __metadata__ entry '{item.Name}' is not a string.");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafetensorsEntry ReadEntry(string path, string name, JsonElement value)
    {
        CheckpointException Bad(string problem) => new(path, $"tensor '{name}': {problem}");
        if (value.ValueKind != JsonValueKind.Object) throw Bad("its header entry is not an object.");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad("no \"dtype\" string.");
        var dtypeName = dtypeElement.GetString()!;
        if (!SafetensorsDtypes.TryParse(dtypeName, out var dtype))
            throw Bad($"dtype \"{dtypeName}\" is not supported (supported: {string.Join(", ", SafetensorsDtypes.Names)}).");
        var shape = Integers(value, "shape", Bad);
        var offsets = Integers(value, "data_offsets", Bad);
        if (offsets.Count != 2) throw Bad($"\"data_offsets\" has {offsets.Count} numbers, not 2.");
        if (offsets[1] < offsets[0]) throw Bad($"\"data_offsets\" [{offsets[0]}, {offsets[1]}] end before they begin.");
        long elements = 1;
        try
        {
            foreach (var size in shape) elements = checked(elements * size);
            long bytes = checked(elements * SafetensorsDtypes.ElementSize(dtype));
            if (bytes != offsets[1] - offsets[0])
                throw Bad($"shape [{string.Join(", ", shape)}] of {dtypeName} needs {bytes} bytes but \"data_offsets\" [{offsets[0]}, {offsets[1]}] hold {offsets[1] - offsets[0]}.");
        }
        catch (OverflowException)
        {
            throw Bad($"shape [{string.Join(", ", shape)}] is too large.");
        }
        return new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static List<long> Integers(JsonElement value, string property, Func<string, CheckpointException> bad)
    {
        if (!value.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
            throw bad($"no \"{property}\" array.");
        var numbers = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var number) || number < 0)
                throw bad($"\"{property}\" holds {item.GetRawText()}, not a non-negative integer.");
            numbers.Add(number);
        }
        return numbers;
    }

    /// <summary>The tensors must tile the data section exactly: no gap, no overlap, nothing after the last.</summary>
    private static void CheckCoverage(string path, List<SafetensorsEntry> entries, long dataLength)
    {
        long position = 0;
        SafetensorsEntry? previous = null;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin < position)
                throw new CheckpointException(path, $"tensor '{entry.Name}': its bytes [{entry.Begin}, {entry.End}) overlap tensor '{previous!.Name}' [{previous.Begin}, {previous.End}).");
            if (entry.Begin > position)
                throw new CheckpointException(path, $"tensor '{entry.Name}': its bytes begin at {entry.Begin}, leaving a gap after byte {position}.");
            position = entry.End;
            previous = entry;
        }
        if (position > dataLength)
            throw new CheckpointException(path, $"truncated: tensor '{previous!.Name}' ends at data byte {previous.End} but the file holds {dataLength} data bytes.");
        if (position < dataLength)
            throw new CheckpointException(path, $"corrupt: {dataLength - position} bytes after the last tensor's data.");
    }
}
