using DiffusionDsl.Runtime.Blocks;
using DiffusionDsl.Runtime.Networks;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;

namespace DiffusionDsl.Runtime.Tests.Support;

/// <summary>
/// A real three-stage SongUNet-style network written the way the generator writes one: 1x8x8, encoder 8 wide at
/// 8x8 and 16 at 4x4 (attention at 4), decoders 16 / 8 / 4 wide.
/// </summary>
internal sealed class SmallUNet : MultistageUNet
{
    public static StageTable Table { get; } = new(new[]
    {
        new StageInfo("near_data", 0, 0.442), new StageInfo("middle", 0.442, 0.631), new StageInfo("near_noise", 0.631, 1),
    });

    public static EncoderLayout Encoder(int groups = 0, int maxGroups = GroupNormRule.EdmMaxGroups, double dropout = 0, int augment = 0,
        EncoderFamily family = EncoderFamily.Ddpmpp) => new(
        InChannels: 1, StemWidth: 8, Levels: new[] { new Level(8, 8, 1), new Level(4, 16, 1, Attention: true) },
        EmbeddingChannels: 32, AugmentDim: augment, Dropout: dropout, Groups: groups, MaxGroups: maxGroups, Family: family);

    public static DecoderLayout Decoder(int width) => new(new[] { new Level(4, 2 * width, 2, Attention: true), new Level(8, width, 2) }, OutChannels: 1);

    public SharedEncoder SharedEncoder { get; }

    public SmallUNet(EncoderLayout? encoder = null, INoiseSchedule? schedule = null, StageTable? stages = null)
        : base(nameof(SmallUNet), schedule ?? new VpSchedule(), stages ?? Table)
    {
        var layout = encoder ?? Encoder();
        SharedEncoder = new SharedEncoder(layout);
        Wire(SharedEncoder, new StageDecoder(layout, Decoder(16)), new StageDecoder(layout, Decoder(8)), new StageDecoder(layout, Decoder(4)));
    }

    /// <summary>Each decoder's count of samples seen.</summary>
    public long[] SamplesSeen() => System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(Decoders, d => d.SamplesSeen));
}
