using System;
using DiffusionDsl.Runtime.Networks;

namespace DiffusionDsl.Runtime.Staging;

/// <summary>
/// A disposed model is named as such before any of its tensors is touched, instead of TorchSharp's "Tensor invalid --
/// empty handle" from deep inside a step (or no error at all: a disposed module lists no parameters). Models built on
/// <see cref="MultistageUNet"/>, every generated one, know whether they were disposed.
/// </summary>
public static class LiveModel
{
    public static void Require(IMultistageModel model)
    {
        if (model is MultistageUNet { IsDisposed: true } network)
            throw new ObjectDisposedException(network.GetName(), $"{network.GetName()} has been disposed: create the model again (or load its checkpoint into a new one).");
    }
}
