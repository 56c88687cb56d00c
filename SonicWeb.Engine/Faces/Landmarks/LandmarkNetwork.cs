using System.Buffers;

namespace SonicWeb.Engine.Faces.Landmarks;

/// <summary>
/// The forward pass of face-api.js's 68-point landmark net: four dense blocks (112 -> 56 -> 28 -> 14 -> 7
/// pixels; 32, 64, 128, 256 channels), a 7x7 average pool, and a fully connected layer giving 68 (x, y)
/// pairs relative to the square input (0..1). Stateless apart from the weights, so one instance serves
/// any number of threads; scratch buffers come from the shared array pool.
/// </summary>
internal sealed class LandmarkNetwork
{
    public const int InputSize = 112;

    private readonly LandmarkNetWeights _weights;

    public LandmarkNetwork(LandmarkNetWeights weights) => _weights = weights;

    /// <summary>
    /// Runs the net on a normalised 112x112x3 NHWC input; writes 136 values (x0, y0, x1, y1, ...) in
    /// units of the input side.
    /// </summary>
    public void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != InputSize * InputSize * 3) throw new ArgumentException("Expected a 112x112x3 input.", nameof(input));
        if (output.Length != LandmarkNetWeights.PointCount * 2) throw new ArgumentException("Expected 136 outputs.", nameof(output));

        // The largest map is the first block's output: 56 x 56 x 32 floats.
        int maxElements = (InputSize / 2) * (InputSize / 2) * 32;
        var pool = ArrayPool<float>.Shared;
        float[] current = pool.Rent(maxElements), sum = pool.Rent(maxElements), act = pool.Rent(maxElements), tmp = pool.Rent(maxElements);
        try
        {
            input.CopyTo(current);
            int size = InputSize, channels = 3;
            foreach (var block in _weights.Blocks)
            {
                DenseBlock(block, current, size, channels, sum, act, tmp);
                (current, sum) = (sum, current);
                size = NhwcOps.SameOutputSize(size, 2);
                channels = block.OutChannels;
            }

            Span<float> features = stackalloc float[LandmarkNetWeights.FeatureCount];
            NhwcOps.GlobalAverage(current, size * size, channels, features);
            FullyConnected(features, output);
        }
        finally
        {
            pool.Return(current); pool.Return(sum); pool.Return(act); pool.Return(tmp);
        }
    }

    /// <summary>
    /// out1 = relu(conv0(x)) at half resolution; then each of conv1..3 sees relu of the running sum
    /// out1 + out2 + ...; the block's result is relu(out1 + out2 + out3 + out4). Only the running sum
    /// is kept, which is all the later steps read.
    /// </summary>
    private static void DenseBlock(DenseBlockWeights block, float[] input, int size, int inChannels,
        float[] sum, float[] act, float[] tmp)
    {
        int outSize = NhwcOps.SameOutputSize(size, 2);
        int pixels = outSize * outSize, c = block.OutChannels, n = pixels * c;

        if (block.FirstConv is { } conv)
            NhwcOps.Conv3x3(input, size, size, conv, 2, sum);
        else
            Separable(block.FirstSeparable!, input, size, 2, tmp, sum, accumulate: false);
        NhwcOps.Relu(sum.AsSpan(0, n), sum);

        // out1 is already non-negative, so conv1 reads the sum directly.
        Separable(block.Conv1, sum, outSize, 1, tmp, sum, accumulate: true);
        NhwcOps.Relu(sum.AsSpan(0, n), act);
        Separable(block.Conv2, act, outSize, 1, tmp, sum, accumulate: true);
        NhwcOps.Relu(sum.AsSpan(0, n), act);
        Separable(block.Conv3, act, outSize, 1, tmp, sum, accumulate: true);
        NhwcOps.Relu(sum.AsSpan(0, n), sum);
    }

    /// <summary>Depthwise 3x3 into <paramref name="tmp"/>, then pointwise + bias into (or onto) <paramref name="output"/>.</summary>
    private static void Separable(SeparableConvWeights w, float[] input, int size, int stride, float[] tmp, float[] output, bool accumulate)
    {
        int outSize = NhwcOps.SameOutputSize(size, stride);
        NhwcOps.Depthwise3x3(input, size, size, w.InChannels, w.Depthwise, stride, tmp);
        NhwcOps.Pointwise(tmp, outSize * outSize, w.InChannels, w.OutChannels, w.Pointwise, w.Bias, output, accumulate);
    }

    private void FullyConnected(ReadOnlySpan<float> features, Span<float> output)
    {
        int outputs = output.Length;
        _weights.FcBias.CopyTo(output);
        for (int i = 0; i < features.Length; i++)
            NhwcOps.MultiplyAdd(output, _weights.FcWeights.AsSpan(i * outputs, outputs), features[i]);
    }
}
