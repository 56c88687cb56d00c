using System.Buffers.Binary;
using SonicWeb.Engine.Errors;

namespace SonicWeb.Engine.Faces.Landmarks;

/// <summary>A dequantised tensor: its shape and its values in row-major (TensorFlow) order.</summary>
public sealed record FloatTensor(IReadOnlyList<int> Shape, float[] Values);

/// <summary>
/// The tensors of a TensorFlow.js model, dequantised to float32 and looked up by name.
/// </summary>
public sealed class TfjsWeightMap
{
    private readonly Dictionary<string, FloatTensor> _tensors;

    private TfjsWeightMap(Dictionary<string, FloatTensor> tensors) => _tensors = tensors;

    public IReadOnlyCollection<string> Names => _tensors.Keys;

    /// <summary>
    /// Dequantises every tensor of a single-group manifest from <paramref name="weightBytes"/> (the
    /// group's shards, concatenated). Throws <see cref="FormatException"/> when the byte count does
    /// not match what the manifest describes.
    /// </summary>
    public static TfjsWeightMap FromBytes(TfjsWeightsManifest manifest, ReadOnlySpan<byte> weightBytes)
    {
        var expected = manifest.AllWeights.Sum(w => (long)w.ByteLength);
        if (expected != weightBytes.Length)
            throw new FormatException($"tfjs weights: the manifest describes {expected} bytes but the weights file has {weightBytes.Length}.");

        var tensors = new Dictionary<string, FloatTensor>(StringComparer.Ordinal);
        int offset = 0;
        foreach (var spec in manifest.AllWeights)
        {
            var bytes = weightBytes.Slice(offset, spec.ByteLength);
            offset += spec.ByteLength;
            tensors[spec.Name] = new FloatTensor(spec.Shape, Decode(spec, bytes));
        }
        return new TfjsWeightMap(tensors);
    }

    /// <summary>Reads a manifest file and its weights file (one group, one shard: the face-api layout).</summary>
    public static TfjsWeightMap Load(string manifestPath, string weightsPath)
    {
        try
        {
            var manifest = TfjsWeightsManifest.Parse(File.ReadAllText(manifestPath));
            return FromBytes(manifest, File.ReadAllBytes(weightsPath));
        }
        catch (FormatException e)
        {
            throw new SonicEngineException(EngineErrorCodes.ModelMissing,
                $"The model {Path.GetFileName(manifestPath)} / {Path.GetFileName(weightsPath)} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>The tensor called <paramref name="name"/>, checked to have exactly <paramref name="shape"/>.</summary>
    public float[] Get(string name, params int[] shape)
    {
        if (!_tensors.TryGetValue(name, out var tensor))
            throw new KeyNotFoundException($"tfjs weights: tensor '{name}' is missing (the file has {_tensors.Count} tensors).");
        if (!tensor.Shape.SequenceEqual(shape))
            throw new FormatException($"tfjs weights: tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}], expected [{string.Join(", ", shape)}].");
        return tensor.Values;
    }

    private static float[] Decode(TfjsWeightSpec spec, ReadOnlySpan<byte> bytes)
    {
        var values = new float[spec.ElementCount];
        if (spec.Quantization is { } q)
        {
            if (q.BytesPerElement == 1)
                for (int i = 0; i < values.Length; i++) values[i] = q.Min + bytes[i] * q.Scale;
            else
                for (int i = 0; i < values.Length; i++) values[i] = q.Min + BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) * q.Scale;
        }
        else if (spec.Dtype == "float32")
        {
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
        }
        else
        {
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
        }
        return values;
    }
}
