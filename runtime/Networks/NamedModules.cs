using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Networks;

/// <summary>
/// Child modules under names of their own, as PyTorch's nn.ModuleDict holds them, so state_dict reads
/// enc.8x8_conv.weight as SongUNet's does. TorchSharp 0.107's ModuleDict cannot be converted: it has two indexers,
/// both properties named Item, and Module.to maps a module's properties by name, which throws ("An item with the same
/// key has already been added. Key: Item") half way, leaving a model on two dtypes or devices.
/// </summary>
public sealed class NamedModules : nn.Module
{
    public NamedModules() : base(nameof(NamedModules)) { }

    public void Add(string name, nn.Module module) => register_module(name, module);
}
