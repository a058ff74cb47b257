using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training;

/// <summary>The random-number generators a training step draws from, saved in checkpoints: the trainer's own (batches, times, noise).</summary>
internal static class TrainingRandomState
{
    public const string Trainer = "trainer";

    public static List<KeyValuePair<string, byte[]>> Capture(Generator trainer) => new() { new(Trainer, StateOf(trainer)) };

    public static void Restore(string path, IReadOnlyList<KeyValuePair<string, byte[]>> states, Generator trainer) =>
        SetState(trainer, Find(path, states, Trainer));

    private static byte[] StateOf(Generator generator)
    {
        using var state = generator.get_state();
        return state.bytes.ToArray();
    }

    private static void SetState(Generator generator, byte[] bytes)
    {
        using var state = empty(bytes.Length, dtype: ScalarType.Byte);
        state.bytes = bytes;
        generator.set_state(state);
    }

    private static byte[] Find(string path, IReadOnlyList<KeyValuePair<string, byte[]>> states, string name) =>
        states.FirstOrDefault(s => s.Key == name).Value
        ?? throw new CheckpointException(path, $"holds no state for the random-number generator '{name}'.");
}
