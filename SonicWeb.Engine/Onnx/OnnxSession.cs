using System.Runtime.InteropServices;

namespace SonicWeb.Engine.Onnx;

/// <summary>
/// One loaded model. Created and cached by <see cref="OrtRuntime.GetSession"/>; lives for the process.
/// <see cref="Run"/> is thread-safe (ONNX Runtime allows concurrent runs on one session).
/// </summary>
public sealed unsafe class OnnxSession
{
    private readonly OrtApi _api;
    private readonly OrtSessionHandle _session;
    private readonly OrtMemoryInfoHandle _cpuMemory;
    private readonly Dictionary<string, int> _inputIndex;
    // Null-terminated UTF-8 names on the pinned object heap (the arrays are kept here so they stay
    // alive), so Run can pass char** without copying.
    private readonly byte[][] _pinnedNames;
    private readonly nint[] _inputNamePointers;
    private readonly nint[] _outputNamePointers;

    internal OnnxSession(OrtApi api, OrtSessionHandle session, OrtMemoryInfoHandle cpuMemory, string modelPath, string executionProvider)
    {
        _api = api;
        _session = session;
        _cpuMemory = cpuMemory;
        ModelPath = modelPath;
        ExecutionProvider = executionProvider;

        nint s = session.Pointer;
        Inputs = Enumerable.Range(0, api.SessionInputCount(s))
            .Select(i => api.SessionInputInfo(s, i, api.SessionInputName(s, i))).ToArray();
        Outputs = Enumerable.Range(0, api.SessionOutputCount(s))
            .Select(i => api.SessionOutputInfo(s, i, api.SessionOutputName(s, i))).ToArray();
        _inputIndex = Inputs.Select((info, i) => (info.Name, i)).ToDictionary(p => p.Name, p => p.i);
        _pinnedNames = Inputs.Concat(Outputs).Select(n => PinnedUtf8(n.Name)).ToArray();
        _inputNamePointers = _pinnedNames.Take(Inputs.Count).Select(AddressOf).ToArray();
        _outputNamePointers = _pinnedNames.Skip(Inputs.Count).Select(AddressOf).ToArray();
    }

    public string ModelPath { get; }

    /// <summary>"CPUExecutionProvider" or "CUDAExecutionProvider": where this session actually runs.</summary>
    public string ExecutionProvider { get; }

    public IReadOnlyList<OnnxNodeInfo> Inputs { get; }

    public IReadOnlyList<OnnxNodeInfo> Outputs { get; }

    /// <summary>
    /// Runs the model on <paramref name="inputs"/> (by input name; float32 or int64) and returns every
    /// output by name, copied into managed memory.
    /// </summary>
    public IReadOnlyDictionary<string, OnnxTensor> Run(IReadOnlyDictionary<string, OnnxTensor> inputs)
    {
        int inputCount = inputs.Count;
        var inputNames = new nint[inputCount];
        var inputValues = new nint[inputCount];
        var inputHandles = new OrtValueHandle?[inputCount];
        var pins = new GCHandle[inputCount];
        var outputValues = new nint[Outputs.Count];
        try
        {
            int k = 0;
            foreach (var (name, tensor) in inputs)
            {
                if (!_inputIndex.TryGetValue(name, out int index))
                    throw new ArgumentException($"Model {Path.GetFileName(ModelPath)} has no input '{name}'; its inputs are: {string.Join(", ", Inputs)}.", nameof(inputs));
                inputNames[k] = _inputNamePointers[index];
                // CreateTensorWithDataAsOrtValue does not copy: the array stays pinned until the value is released.
                pins[k] = GCHandle.Alloc(tensor.Data, GCHandleType.Pinned);
                inputHandles[k] = CreateInputValue(tensor, (void*)pins[k].AddrOfPinnedObject());
                inputValues[k] = inputHandles[k]!.Pointer;
                k++;
            }

            fixed (nint* inNames = inputNames)
            fixed (nint* inValues = inputValues)
            fixed (nint* outNames = _outputNamePointers)
            fixed (nint* outValues = outputValues)
            {
                _api.Run(_session.Pointer, (byte**)inNames, inValues, (nuint)inputCount,
                    (byte**)outNames, (nuint)outputValues.Length, outValues);
            }
            return CopyOutputs(outputValues);
        }
        finally
        {
            foreach (var value in outputValues)
                if (value != nint.Zero) _api.ReleaseValue(value);
            foreach (var handle in inputHandles) handle?.Dispose();
            foreach (var pin in pins)
                if (pin.IsAllocated) pin.Free();
        }
    }

    /// <summary>Runs with a few inputs given as (name, tensor) pairs.</summary>
    public IReadOnlyDictionary<string, OnnxTensor> Run(params (string Name, OnnxTensor Tensor)[] inputs)
        => Run(inputs.ToDictionary(p => p.Name, p => p.Tensor));

    private OrtValueHandle CreateInputValue(OnnxTensor tensor, void* data)
    {
        int elementSize = tensor.ElementType switch
        {
            OnnxElementType.Float => sizeof(float),
            OnnxElementType.Int64 => sizeof(long),
            _ => throw new NotSupportedException($"Input tensors of type {tensor.ElementType} are not supported."),
        };
        fixed (long* shape = tensor.Shape)
        {
            return new OrtValueHandle(_api.CreateTensorWithData(_cpuMemory.Pointer, data,
                (nuint)(tensor.Length * elementSize), shape, (nuint)tensor.Shape.Length, tensor.ElementType));
        }
    }

    private Dictionary<string, OnnxTensor> CopyOutputs(nint[] values)
    {
        var result = new Dictionary<string, OnnxTensor>(values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            var (type, shape) = _api.TensorTypeAndShape(values[i]);
            int count = checked((int)OnnxTensor.ElementCount(shape));
            void* data = _api.TensorData(values[i]);
            result[Outputs[i].Name] = type switch
            {
                OnnxElementType.Float => OnnxTensor.FromFloats(new ReadOnlySpan<float>(data, count).ToArray(), shape),
                OnnxElementType.Int64 => OnnxTensor.FromInt64s(new ReadOnlySpan<long>(data, count).ToArray(), shape),
                _ => throw new NotSupportedException($"Output '{Outputs[i].Name}' has type {type}; only Float and Int64 outputs are supported."),
            };
        }
        return result;
    }

    private static byte[] PinnedUtf8(string s)
    {
        var bytes = GC.AllocateArray<byte>(System.Text.Encoding.UTF8.GetByteCount(s) + 1, pinned: true);
        System.Text.Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    private static nint AddressOf(byte[] pinned) => Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0);
}
