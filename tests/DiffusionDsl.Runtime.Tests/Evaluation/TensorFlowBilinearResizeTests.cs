using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiffusionDsl.Runtime.Evaluation;
using DiffusionDsl.Runtime.Evaluation.Inception;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Evaluation;

/// <summary>
/// TensorFlow 1's resize_bilinear (align_corners=False, half_pixel_centers=False), the resize of TensorFlow's FID graph,
/// against TF.js's own CPU kernel: tests/Fixtures/Inception/tf-resize-bilinear.json (scripts/tf-resize-fixture.js)
/// holds fixed one-channel images and what tf.image.resizeBilinear made of them, 299x299 outputs kept on a lattice.
/// </summary>
public class TensorFlowBilinearResizeTests
{
    private static JsonElement Cases()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Inception", "tf-resize-bilinear.json"));
        return JsonDocument.Parse(text).RootElement.GetProperty("cases");
    }

    [Fact]
    public void ResizesAsTensorFlowsResizeBilinear()
    {
        using var scope = NewDisposeScope();
        int checkedCases = 0;
        foreach (var c in Cases().EnumerateArray())
        {
            int size = c.GetProperty("size").GetInt32(), output = c.GetProperty("out").GetInt32();
            var input = c.GetProperty("input").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
            var kept = c.GetProperty("kept").EnumerateArray().Select(v => v.GetInt64()).ToArray();
            var expected = c.GetProperty("output").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

            var image = tensor(input, new long[] { 1, 1, size, size });
            var resized = TensorFlowBilinearResize.Resize(image, output);
            Assert.Equal(new long[] { 1, 1, output, output }, resized.shape);
            var index = tensor(kept);
            var ours = resized[0, 0].index_select(0, index).index_select(1, index).reshape(-1).data<float>().ToArray();
            double difference = ours.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(difference < 1e-6, $"{size} -> {output}: max |ours - TF.js| = {difference:E2}");

            // PyTorch's resize (half-pixel centres) is another image: the comparison tells them apart.
            if (output > size)
            {
                var pytorch = nn.functional.interpolate(image, size: new long[] { output, output }, mode: InterpolationMode.Bilinear, align_corners: false);
                var theirs = pytorch[0, 0].index_select(0, index).index_select(1, index).reshape(-1).data<float>().ToArray();
                Assert.True(theirs.Zip(expected, (a, b) => Math.Abs(a - b)).Max() > 1e-2, $"{size} -> {output}: PyTorch's resize matched TF's");
            }
            checkedCases++;
        }
        Assert.Equal(5, checkedCases);
    }

    [Fact]
    public void TheTensorFlowPipelineScalesAsTheFidGraphAndNamesItsOwnSpace()
    {
        using var scope = NewDisposeScope();
        using var network = new FidInceptionV3();
        var tf = new InceptionV3Features(network, preprocessing: InceptionPreprocessing.TensorFlow);
        // 8-bit values 0, 128 and 255 as [-1, 1] images: (v - 128) / 128 gives -1, 0 and 127 / 128.
        var values = new[] { 0.0, 128.0, 255.0 };
        var images = tensor(values.Select(v => (float)(v / 127.5 - 1)).ToArray()).reshape(3, 1, 1, 1).expand(3, 1, 299, 299);
        var prepared = tf.Prepare(images);
        var corners = prepared.select(1, 0)[.., 0, 0].data<float>().ToArray();
        var expected = new[] { -1.0, 0.0, 127.0 / 128 };
        for (int i = 0; i < 3; i++) Assert.True(Math.Abs(corners[i] - expected[i]) < 1e-6, $"value {values[i]}: {corners[i]}, not {expected[i]}");

        Assert.StartsWith(InceptionV3Features.FeatureSpaceName + InceptionV3Features.TensorFlowSuffix + "@", tf.Name);
        var pytorch = new InceptionV3Features(network);
        Assert.StartsWith(InceptionV3Features.FeatureSpaceName + "@", pytorch.Name);
        Assert.Equal(tf.Name.Split('@')[1], pytorch.Name.Split('@')[1]);
    }
}
