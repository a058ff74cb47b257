using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation.Inception;

/// <summary>
/// The Inception-v3 that FID is defined with (TensorFlow's 2015-12-05 graph as pytorch-fid ports it:
/// <c>fid_inception_v3()</c> in mseitzer/pytorch-fid's inception.py), up to its 2048-d pool3 output: torchvision's
/// Inception3 layers, named as its state_dict names them, with pytorch-fid's block patches (FIDInceptionA and C and
/// E_1 average without the padded zeros; E_2 max-pools in its pool branch). The input is [N, 3, 299, 299] in [-1, 1];
/// the output [N, 2048], non-negative (an average of ReLU outputs). Not included: the 1008-way <c>fc</c> layer, which
/// FID does not use (its weights may be present in a weights file and are ignored), and torchvision's AuxLogits (FID
/// builds the network with aux_logits=False).
/// </summary>
public sealed class FidInceptionV3 : nn.Module<Tensor, Tensor>
{
    public const int InputSize = 299;
    public const int Pool3Dimension = 2048;

    private readonly BasicConv2d Conv2d_1a_3x3, Conv2d_2a_3x3, Conv2d_2b_3x3, Conv2d_3b_1x1, Conv2d_4a_3x3;
    private readonly InceptionA Mixed_5b, Mixed_5c, Mixed_5d;
    private readonly InceptionB Mixed_6a;
    private readonly InceptionC Mixed_6b, Mixed_6c, Mixed_6d, Mixed_6e;
    private readonly InceptionD Mixed_7a;
    private readonly InceptionE Mixed_7b, Mixed_7c;

    public FidInceptionV3() : base(nameof(FidInceptionV3))
    {
        Conv2d_1a_3x3 = new BasicConv2d(3, 32, 3, stride: 2);
        Conv2d_2a_3x3 = new BasicConv2d(32, 32, 3);
        Conv2d_2b_3x3 = new BasicConv2d(32, 64, 3, padding: 1);
        Conv2d_3b_1x1 = new BasicConv2d(64, 80, 1);
        Conv2d_4a_3x3 = new BasicConv2d(80, 192, 3);
        Mixed_5b = new InceptionA(192, poolFeatures: 32);
        Mixed_5c = new InceptionA(256, poolFeatures: 64);
        Mixed_5d = new InceptionA(288, poolFeatures: 64);
        Mixed_6a = new InceptionB(288);
        Mixed_6b = new InceptionC(768, channels7x7: 128);
        Mixed_6c = new InceptionC(768, channels7x7: 160);
        Mixed_6d = new InceptionC(768, channels7x7: 160);
        Mixed_6e = new InceptionC(768, channels7x7: 192);
        Mixed_7a = new InceptionD(768);
        Mixed_7b = new InceptionE(1280, InceptionEPool.Average);
        Mixed_7c = new InceptionE(2048, InceptionEPool.Max);
        RegisterComponents();
        eval();
    }

    /// <summary>pool3 features [N, 2048] of images [N, 3, H, W] already scaled to [-1, 1] (and normally resized to 299x299).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // Block 0: stem to the first max pool (N x 64 x 73 x 73 at 299).
        x = InceptionPooling.MaxReduce(Conv2d_2b_3x3.forward(Conv2d_2a_3x3.forward(Conv2d_1a_3x3.forward(x))));
        // Block 1: to the second max pool (N x 192 x 35 x 35).
        x = InceptionPooling.MaxReduce(Conv2d_4a_3x3.forward(Conv2d_3b_1x1.forward(x)));
        // Block 2: to the auxiliary classifier's input (N x 768 x 17 x 17).
        x = Mixed_6e.forward(Mixed_6d.forward(Mixed_6c.forward(Mixed_6b.forward(Mixed_6a.forward(Mixed_5d.forward(Mixed_5c.forward(Mixed_5b.forward(x))))))));
        // Block 3: to the final average pool (N x 2048 x 8 x 8, then pool3).
        x = Mixed_7c.forward(Mixed_7b.forward(Mixed_7a.forward(x)));
        return x.mean(new long[] { 2, 3 }).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The weights this network loads (named as torchvision's state_dict names them), with their shapes: every BasicConv2d's
    /// <c>conv.weight</c> and <c>bn.weight/bias/running_mean/running_var</c> (94 of them: 470 tensors, 21,820,000 values).
    /// BatchNorm's <c>num_batches_tracked</c> counters are left out: evaluation does not use them.
    /// </summary>
    public IReadOnlyList<(string Name, long[] Shape)> WeightShapes() =>
        state_dict().Where(p => !IsIgnoredName(p.Key)).Select(p => (p.Key, p.Value.shape)).ToList();

    /// <summary>Names a weights file may hold that this network does not use: the fc classifier and BatchNorm counters.</summary>
    public static bool IsIgnoredName(string name) =>
        name is "fc.weight" or "fc.bias" || name.EndsWith(".num_batches_tracked", System.StringComparison.Ordinal);
}
