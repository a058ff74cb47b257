using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation.Inception;

/// <summary>
/// The pooling branches of the FID Inception-v3 (pytorch-fid's patches of torchvision's blocks). TensorFlow's
/// average pool, which the FID weights were trained with, leaves padded zeros out of each average.
/// </summary>
internal static class InceptionPooling
{
    /// <summary>3x3 average pool, stride 1, padding 1, padded zeros not counted (FIDInceptionA/C/E_1).</summary>
    public static Tensor Average3x3(Tensor x) =>
        nn.functional.avg_pool2d(x, kernel_size: 3, stride: 1, padding: 1, ceil_mode: false, count_include_pad: false);

    /// <summary>3x3 max pool, stride 1, padding 1 (FIDInceptionE_2, the last block: max pooling where the paper averages).</summary>
    public static Tensor Max3x3(Tensor x) => nn.functional.max_pool2d(x, kernel_size: 3, stride: 1, padding: 1);

    /// <summary>3x3 max pool, stride 2, no padding (the reductions: InceptionB/D and between the stem's stages).</summary>
    public static Tensor MaxReduce(Tensor x) => nn.functional.max_pool2d(x, kernel_size: 3, stride: 2);
}

/// <summary>
/// FIDInceptionA (Mixed_5b/5c/5d): 1x1 (64); 1x1 (48) then 5x5 (64); 1x1 (64) then two 3x3 (96); average pool then
/// 1x1 (<c>poolFeatures</c>). Output 224 + poolFeatures channels at the input's size.
/// </summary>
public sealed class InceptionA : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3, branch_pool;

    public InceptionA(int inChannels, int poolFeatures) : base(nameof(InceptionA))
    {
        branch1x1 = new BasicConv2d(inChannels, 64, 1);
        branch5x5_1 = new BasicConv2d(inChannels, 48, 1);
        branch5x5_2 = new BasicConv2d(48, 64, 5, padding: 2);
        branch3x3dbl_1 = new BasicConv2d(inChannels, 64, 1);
        branch3x3dbl_2 = new BasicConv2d(64, 96, 3, padding: 1);
        branch3x3dbl_3 = new BasicConv2d(96, 96, 3, padding: 1);
        branch_pool = new BasicConv2d(inChannels, poolFeatures, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var a = branch1x1.forward(x);
        var b = branch5x5_2.forward(branch5x5_1.forward(x));
        var c = branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x)));
        var d = branch_pool.forward(InceptionPooling.Average3x3(x));
        return cat(new[] { a, b, c, d }, 1).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// InceptionB (Mixed_6a), a reduction: 3x3 stride 2 (384); 1x1 (64), 3x3 (96), 3x3 stride 2 (96); max pool stride 2.
/// Output 480 + input channels at about half the size.
/// </summary>
public sealed class InceptionB : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3;

    public InceptionB(int inChannels) : base(nameof(InceptionB))
    {
        branch3x3 = new BasicConv2d(inChannels, 384, 3, stride: 2);
        branch3x3dbl_1 = new BasicConv2d(inChannels, 64, 1);
        branch3x3dbl_2 = new BasicConv2d(64, 96, 3, padding: 1);
        branch3x3dbl_3 = new BasicConv2d(96, 96, 3, stride: 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var a = branch3x3.forward(x);
        var b = branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x)));
        var c = InceptionPooling.MaxReduce(x);
        return cat(new[] { a, b, c }, 1).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// FIDInceptionC (Mixed_6b-6e), factorised 7x7 convolutions with <c>channels7x7</c> inner channels: 1x1 (192);
/// 1x1, 1x7, 7x1 (192); 1x1, 7x1, 1x7, 7x1, 1x7 (192); average pool then 1x1 (192). Output 768 channels.
/// </summary>
public sealed class InceptionC : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1, branch7x7_1, branch7x7_2, branch7x7_3,
        branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5, branch_pool;

    public InceptionC(int inChannels, int channels7x7) : base(nameof(InceptionC))
    {
        int c7 = channels7x7;
        branch1x1 = new BasicConv2d(inChannels, 192, 1);
        branch7x7_1 = new BasicConv2d(inChannels, c7, 1);
        branch7x7_2 = new BasicConv2d(c7, c7, (1, 7), padding: (0, 3));
        branch7x7_3 = new BasicConv2d(c7, 192, (7, 1), padding: (3, 0));
        branch7x7dbl_1 = new BasicConv2d(inChannels, c7, 1);
        branch7x7dbl_2 = new BasicConv2d(c7, c7, (7, 1), padding: (3, 0));
        branch7x7dbl_3 = new BasicConv2d(c7, c7, (1, 7), padding: (0, 3));
        branch7x7dbl_4 = new BasicConv2d(c7, c7, (7, 1), padding: (3, 0));
        branch7x7dbl_5 = new BasicConv2d(c7, 192, (1, 7), padding: (0, 3));
        branch_pool = new BasicConv2d(inChannels, 192, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var a = branch1x1.forward(x);
        var b = branch7x7_3.forward(branch7x7_2.forward(branch7x7_1.forward(x)));
        var c = branch7x7dbl_1.forward(x);
        c = branch7x7dbl_5.forward(branch7x7dbl_4.forward(branch7x7dbl_3.forward(branch7x7dbl_2.forward(c))));
        var d = branch_pool.forward(InceptionPooling.Average3x3(x));
        return cat(new[] { a, b, c, d }, 1).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// InceptionD (Mixed_7a), a reduction: 1x1 (192), 3x3 stride 2 (320); 1x1, 1x7, 7x1 (192), 3x3 stride 2 (192);
/// max pool stride 2. Output 512 + input channels.
/// </summary>
public sealed class InceptionD : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch3x3_1, branch3x3_2, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4;

    public InceptionD(int inChannels) : base(nameof(InceptionD))
    {
        branch3x3_1 = new BasicConv2d(inChannels, 192, 1);
        branch3x3_2 = new BasicConv2d(192, 320, 3, stride: 2);
        branch7x7x3_1 = new BasicConv2d(inChannels, 192, 1);
        branch7x7x3_2 = new BasicConv2d(192, 192, (1, 7), padding: (0, 3));
        branch7x7x3_3 = new BasicConv2d(192, 192, (7, 1), padding: (3, 0));
        branch7x7x3_4 = new BasicConv2d(192, 192, 3, stride: 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var a = branch3x3_2.forward(branch3x3_1.forward(x));
        var b = branch7x7x3_4.forward(branch7x7x3_3.forward(branch7x7x3_2.forward(branch7x7x3_1.forward(x))));
        var c = InceptionPooling.MaxReduce(x);
        return cat(new[] { a, b, c }, 1).MoveToOuterDisposeScope();
    }
}

/// <summary>Which pool feeds an <see cref="InceptionE"/> block's pool branch.</summary>
public enum InceptionEPool
{
    /// <summary>FIDInceptionE_1 (Mixed_7b): 3x3 average pool, padded zeros not counted.</summary>
    Average,
    /// <summary>FIDInceptionE_2 (Mixed_7c): 3x3 max pool, stride 1.</summary>
    Max,
}

/// <summary>
/// FIDInceptionE_1 / E_2 (Mixed_7b, 7c), expanded filter banks: 1x1 (320); 1x1 (384) then 1x3 and 3x1 side by side
/// (768); 1x1 (448), 3x3 (384), then 1x3 and 3x1 side by side (768); pool then 1x1 (192). Output 2048 channels.
/// </summary>
public sealed class InceptionE : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1, branch3x3_1, branch3x3_2a, branch3x3_2b,
        branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b, branch_pool;
    private readonly InceptionEPool _pool;

    public InceptionE(int inChannels, InceptionEPool pool) : base(nameof(InceptionE))
    {
        _pool = pool;
        branch1x1 = new BasicConv2d(inChannels, 320, 1);
        branch3x3_1 = new BasicConv2d(inChannels, 384, 1);
        branch3x3_2a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1));
        branch3x3_2b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0));
        branch3x3dbl_1 = new BasicConv2d(inChannels, 448, 1);
        branch3x3dbl_2 = new BasicConv2d(448, 384, 3, padding: 1);
        branch3x3dbl_3a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1));
        branch3x3dbl_3b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0));
        branch_pool = new BasicConv2d(inChannels, 192, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var a = branch1x1.forward(x);
        var b3 = branch3x3_1.forward(x);
        var b = cat(new[] { branch3x3_2a.forward(b3), branch3x3_2b.forward(b3) }, 1);
        var c3 = branch3x3dbl_2.forward(branch3x3dbl_1.forward(x));
        var c = cat(new[] { branch3x3dbl_3a.forward(c3), branch3x3dbl_3b.forward(c3) }, 1);
        var pooled = _pool == InceptionEPool.Max ? InceptionPooling.Max3x3(x) : InceptionPooling.Average3x3(x);
        var d = branch_pool.forward(pooled);
        return cat(new[] { a, b, c, d }, 1).MoveToOuterDisposeScope();
    }
}
