namespace SonicWeb.Engine.Faces.Landmarks;

/// <summary>
/// A depthwise-separable 3x3 convolution: a per-channel 3x3 filter, then a 1x1 convolution mixing the
/// channels, then a bias. Depthwise is [3, 3, C] and pointwise [Cin, Cout], TensorFlow order.
/// </summary>
internal sealed record SeparableConvWeights(int InChannels, int OutChannels, float[] Depthwise, float[] Pointwise, float[] Bias);

/// <summary>A full 3x3 convolution, filters [3, 3, Cin, Cout] (TensorFlow HWIO order), plus bias.</summary>
internal sealed record ConvWeights(int InChannels, int OutChannels, float[] Filters, float[] Bias);

/// <summary>
/// One "dense block" of face-api's feature extractor. Its first convolution halves the resolution
/// (a full conv in the very first block, where the input has only RGB, separable elsewhere); three
/// more separable convolutions each see the ReLU of the running sum of the previous outputs.
/// </summary>
internal sealed record DenseBlockWeights(ConvWeights? FirstConv, SeparableConvWeights? FirstSeparable,
    SeparableConvWeights Conv1, SeparableConvWeights Conv2, SeparableConvWeights Conv3)
{
    public int OutChannels => Conv1.OutChannels;
}

/// <summary>All tensors of face_landmark_68_model, typed and shape-checked.</summary>
internal sealed record LandmarkNetWeights(IReadOnlyList<DenseBlockWeights> Blocks, float[] FcWeights, float[] FcBias)
{
    public const int PointCount = 68;
    public const int FeatureCount = 256;

    /// <summary>Channel counts of the four dense blocks (input is RGB).</summary>
    private static readonly int[] BlockChannels = [32, 64, 128, 256];

    public static LandmarkNetWeights From(TfjsWeightMap map)
    {
        var blocks = new List<DenseBlockWeights>();
        int inChannels = 3;
        for (int b = 0; b < BlockChannels.Length; b++)
        {
            int c = BlockChannels[b];
            string prefix = $"dense{b}/";
            ConvWeights? first = null;
            SeparableConvWeights? firstSeparable = null;
            if (b == 0)
                first = new ConvWeights(inChannels, c, map.Get(prefix + "conv0/filters", 3, 3, inChannels, c), map.Get(prefix + "conv0/bias", c));
            else
                firstSeparable = Separable(map, prefix + "conv0/", inChannels, c);
            blocks.Add(new DenseBlockWeights(first, firstSeparable,
                Separable(map, prefix + "conv1/", c, c),
                Separable(map, prefix + "conv2/", c, c),
                Separable(map, prefix + "conv3/", c, c)));
            inChannels = c;
        }
        return new LandmarkNetWeights(blocks,
            map.Get("fc/weights", FeatureCount, PointCount * 2),
            map.Get("fc/bias", PointCount * 2));
    }

    private static SeparableConvWeights Separable(TfjsWeightMap map, string prefix, int inChannels, int outChannels)
        => new(inChannels, outChannels,
            map.Get(prefix + "depthwise_filter", 3, 3, inChannels, 1),
            map.Get(prefix + "pointwise_filter", 1, 1, inChannels, outChannels),
            map.Get(prefix + "bias", outChannels));
}
