using System.Runtime.CompilerServices;
using TorchSharp;

namespace DiffusionDsl.Tests.Shared;

// libtorch's OpenMP threads stall when the other core is busy (e.g. a parallel build): tests use one.
internal static class SingleThreadTorch
{
    [ModuleInitializer]
    internal static void Initialize()
    {
        torch.set_num_threads(1);
        torch.set_num_interop_threads(1);
    }
}
