using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Checks of the LibTorchSharp the harness runs on where scripts/gpu/patches changed it: a custom autograd function's
/// gradient, and that its nodes are released once their outputs are gone (0003: nodes in c10::intrusive_ptr on newer
/// libtorch); and what named tensors do (0004: gone from newer libtorch, their entry points raise). DiffusionDsl uses
/// neither, but a TorchSharp program on this shim might.
/// </summary>
internal static class ShimChecks
{
    private sealed class Square : autograd.SingleTensorFunction<Square>
    {
        public override string Name => nameof(Square);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var x = (Tensor)vars[0];
            ctx.save_for_backward(new List<Tensor> { x });
            return x * x;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput) =>
            new() { gradOutput * 2 * ctx.get_saved_variables()[0] };
    }

    public static Dictionary<string, object?> Run(Action<string> log)
    {
        var results = new Dictionary<string, object?>();

        var x = randn(16, requires_grad: true);
        using (var y = Square.apply(x)) y.sum().backward();
        double gradientError = (x.grad! - 2 * x.detach()).abs().max().item<float>();
        results["custom_function_gradient_error"] = gradientError;

        // TorchSharp keeps every managed node alive in a private list until the shim says its C++ node is gone.
        int? before = AliveNodes(), after = null;
        for (int i = 0; i < 200; i++)
        {
            using var scope = NewDisposeScope();
            x.grad = null;
            Square.apply(x).sum().backward();
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        after = AliveNodes();
        results["custom_function_nodes_alive_before_after_200"] = new[] { before, after };
        log($"shim: custom autograd function gradient error {gradientError:G3}; managed nodes alive before and after 200 calls: {before} -> {after}" +
            (before is null ? " (TorchSharp's node list not found)" : after > before + 1 ? " (nodes are not released)" : ""));

        using var plain = zeros(2, 3);
        string named;
        try
        {
            using var renamed = plain.rename(new[] { "rows", "columns" });
            named = renamed.has_names() ? $"named tensors work ({string.Join(", ", renamed.names)})" : "rename gave no names";
        }
        catch (Exception e)
        {
            named = $"naming a tensor raises: {e.Message.Split('\n')[0]}";
        }
        results["named_tensors"] = named;
        log($"shim: {named}");
        return results;
    }

    private static int? AliveNodes()
    {
        var node = typeof(autograd).GetNestedType("Node", BindingFlags.NonPublic);
        var list = node?.GetField("AliveNodes", BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null) as System.Collections.ICollection;
        if (list is null) return null;
        lock (list) return list.Count;
    }
}
