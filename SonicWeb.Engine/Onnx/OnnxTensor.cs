namespace SonicWeb.Engine.Onnx;

/// <summary>ONNX tensor element types (values of ONNXTensorElementDataType) that matter to us.</summary>
public enum OnnxElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
    Bool = 9,
    Double = 11,
}

/// <summary>Name, element type and shape of a model input or output; -1 marks a dynamic dimension.</summary>
public sealed record OnnxNodeInfo(string Name, OnnxElementType ElementType, long[] Shape)
{
    public override string ToString() => $"{Name} {ElementType} [{string.Join(",", Shape)}]";
}

/// <summary>
/// A dense tensor in managed memory: float32 or int64 data in row-major order plus its shape.
/// Inputs are pinned and handed to ONNX Runtime without copying; outputs are copied out of ORT.
/// </summary>
public sealed class OnnxTensor
{
    private OnnxTensor(OnnxElementType type, Array data, long[] shape)
    {
        long count = ElementCount(shape);
        if (count != data.Length)
            throw new ArgumentException($"Shape [{string.Join(",", shape)}] holds {count} elements but {data.Length} were given.", nameof(shape));
        ElementType = type;
        Data = data;
        Shape = shape;
    }

    public OnnxElementType ElementType { get; }

    public long[] Shape { get; }

    /// <summary>float[] or long[], matching <see cref="ElementType"/>.</summary>
    internal Array Data { get; }

    public int Length => Data.Length;

    public static OnnxTensor FromFloats(float[] data, params long[] shape) => new(OnnxElementType.Float, data, shape);

    public static OnnxTensor FromInt64s(long[] data, params long[] shape) => new(OnnxElementType.Int64, data, shape);

    /// <summary>A rank-0 int64 tensor (e.g. Silero's sample rate).</summary>
    public static OnnxTensor Int64Scalar(long value) => new(OnnxElementType.Int64, new[] { value }, []);

    /// <summary>The float32 data (no copy). Throws when the tensor holds another type.</summary>
    public float[] Floats => Data as float[]
        ?? throw new InvalidOperationException($"Tensor holds {ElementType}, not Float.");

    /// <summary>The int64 data (no copy). Throws when the tensor holds another type.</summary>
    public long[] Int64s => Data as long[]
        ?? throw new InvalidOperationException($"Tensor holds {ElementType}, not Int64.");

    internal static long ElementCount(long[] shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"Shape [{string.Join(",", shape)}] has a negative dimension.", nameof(shape));
            count *= d;
        }
        return count;
    }

    public override string ToString() => $"{ElementType} [{string.Join(",", Shape)}]";
}
