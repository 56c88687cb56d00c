using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SonicWeb.Engine.Onnx;

/// <summary>Name, element type and shape of a model input or output; -1 marks a dynamic dimension.</summary>
public sealed record OnnxNodeInfo(string Name, TensorElementType ElementType, long[] Shape)
{
    public override string ToString() => $"{Name} {ElementType} [{string.Join(",", Shape)}]";
}

/// <summary>
/// A dense tensor in managed memory: float32 or int64 data in row-major order plus its shape.
/// As an input it is handed to ONNX Runtime without copying (<see cref="WrapForRun"/> pins the array);
/// outputs are copied out of ONNX Runtime's buffers into new arrays.
/// </summary>
public sealed class OnnxTensor
{
    private OnnxTensor(TensorElementType type, Array data, long[] shape)
    {
        long count = ElementCount(shape);
        if (count != data.Length)
            throw new ArgumentException($"Shape [{string.Join(",", shape)}] holds {count} elements but {data.Length} were given.", nameof(shape));
        ElementType = type;
        Data = data;
        Shape = shape;
    }

    public TensorElementType ElementType { get; }

    public long[] Shape { get; }

    /// <summary>float[] or long[], matching <see cref="ElementType"/>.</summary>
    internal Array Data { get; }

    public int Length => Data.Length;

    public static OnnxTensor FromFloats(float[] data, params long[] shape) => new(TensorElementType.Float, data, shape);

    public static OnnxTensor FromInt64s(long[] data, params long[] shape) => new(TensorElementType.Int64, data, shape);

    /// <summary>A rank-0 int64 tensor (e.g. Silero's sample rate).</summary>
    public static OnnxTensor Int64Scalar(long value) => new(TensorElementType.Int64, new[] { value }, []);

    /// <summary>The float32 data (no copy). Throws when the tensor holds another type.</summary>
    public float[] Floats => Data as float[]
        ?? throw new InvalidOperationException($"Tensor holds {ElementType}, not Float.");

    /// <summary>The int64 data (no copy). Throws when the tensor holds another type.</summary>
    public long[] Int64s => Data as long[]
        ?? throw new InvalidOperationException($"Tensor holds {ElementType}, not Int64.");

    /// <summary>
    /// An OrtValue over this tensor's own array (pinned until the value is disposed): ONNX Runtime reads
    /// the managed buffer in place, nothing is copied.
    /// </summary>
    internal OrtValue WrapForRun() => Data switch
    {
        float[] floats => OrtValue.CreateTensorValueFromMemory(floats, Shape),
        long[] longs => OrtValue.CreateTensorValueFromMemory(longs, Shape),
        _ => throw new NotSupportedException($"Input tensors of type {ElementType} are not supported."),
    };

    /// <summary>Copies an output value into a managed tensor (float32 and int64 outputs only).</summary>
    internal static OnnxTensor CopyFrom(OrtValue value, string name)
    {
        var info = value.GetTensorTypeAndShape();
        return info.ElementDataType switch
        {
            TensorElementType.Float => FromFloats(value.GetTensorDataAsSpan<float>().ToArray(), info.Shape),
            TensorElementType.Int64 => FromInt64s(value.GetTensorDataAsSpan<long>().ToArray(), info.Shape),
            var type => throw new NotSupportedException($"Output '{name}' has type {type}; only Float and Int64 outputs are supported."),
        };
    }

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
