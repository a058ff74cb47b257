using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// Every random-number generator a training step draws from, saved in checkpoints so a resumed run repeats an
/// uninterrupted one bit for bit: the trainer's own generator (batches, times, noise) and torch's global CPU generator,
/// which dropout draws from on the CPU.
/// </summary>
internal static class TrainingRandomState
{
    public const string Trainer = "trainer";
    public const string TorchCpu = "torch.cpu";

    public static List<KeyValuePair<string, byte[]>> Capture(Generator trainer)
    {
        using var global = Generator.Default;
        return new() { new(Trainer, StateOf(trainer)), new(TorchCpu, StateOf(global)) };
    }

    public static void Restore(string path, IReadOnlyList<KeyValuePair<string, byte[]>> states, Generator trainer)
    {
        var trainerState = Find(path, states, Trainer);
        var globalState = Find(path, states, TorchCpu);
        SetState(trainer, trainerState);
        using var global = Generator.Default;
        SetState(global, globalState);
    }

    /// <summary>
    /// TorchSharp 0.107 cannot read or set a CUDA generator's state (only seed it), so on CUDA the global generator,
    /// which dropout draws from there, is reseeded from (seed, step) before every step: resuming then repeats it.
    /// </summary>
    public static void BeginStep(Device device, long seed, long step)
    {
        if (device.type == DeviceType.CUDA) cuda.manual_seed(unchecked(seed * 1_000_003L + step));
    }

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
