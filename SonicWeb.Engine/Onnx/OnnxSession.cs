using Microsoft.ML.OnnxRuntime;

namespace SonicWeb.Engine.Onnx;

/// <summary>
/// One loaded model: an ONNX Runtime <see cref="InferenceSession"/> with the names and shapes of its
/// inputs and outputs. Created and cached by <see cref="OrtRuntime.GetSession"/>, which also disposes it.
/// <see cref="Run"/> is thread-safe (ONNX Runtime allows concurrent runs on one session).
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _sessionOptions;
    private readonly RunOptions _runOptions = new();
    private readonly HashSet<string> _inputNames;
    private readonly string[] _outputNames;
    private volatile bool _disposed;

    internal OnnxSession(InferenceSession session, string modelPath, string executionProvider, SessionOptions sessionOptions)
    {
        _session = session;
        _sessionOptions = sessionOptions;
        ModelPath = modelPath;
        ExecutionProvider = executionProvider;
        Inputs = session.InputNames.Select(n => Describe(n, session.InputMetadata[n])).ToArray();
        Outputs = session.OutputNames.Select(n => Describe(n, session.OutputMetadata[n])).ToArray();
        _inputNames = [.. session.InputNames];
        _outputNames = [.. session.OutputNames];
    }

    public string ModelPath { get; }

    /// <summary>"CPUExecutionProvider" or "CUDAExecutionProvider": where this session actually runs.</summary>
    public string ExecutionProvider { get; }

    public IReadOnlyList<OnnxNodeInfo> Inputs { get; }

    public IReadOnlyList<OnnxNodeInfo> Outputs { get; }

    /// <summary>
    /// Runs the model on <paramref name="inputs"/> (by input name; float32 or int64, read in place) and
    /// returns every output by name, copied into managed memory. ONNX Runtime's errors (a wrong shape,
    /// say) become <see cref="OrtException"/>.
    /// </summary>
    public IReadOnlyDictionary<string, OnnxTensor> Run(IReadOnlyDictionary<string, OnnxTensor> inputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var names = new string[inputs.Count];
        var values = new OrtValue[inputs.Count];
        try
        {
            int k = 0;
            foreach (var (name, tensor) in inputs)
            {
                if (!_inputNames.Contains(name))
                    throw new ArgumentException($"Model {Path.GetFileName(ModelPath)} has no input '{name}'; its inputs are: {string.Join(", ", Inputs)}.", nameof(inputs));
                names[k] = name;
                values[k] = tensor.WrapForRun();
                k++;
            }
            using var results = _session.Run(_runOptions, names, values, _outputNames);
            var outputs = new Dictionary<string, OnnxTensor>(_outputNames.Length);
            int i = 0;
            foreach (var value in results)
            {
                outputs[_outputNames[i]] = OnnxTensor.CopyFrom(value, _outputNames[i]);
                i++;
            }
            return outputs;
        }
        catch (OnnxRuntimeException e)
        {
            throw new OrtException($"running {Path.GetFileName(ModelPath)} failed: {e.Message}", e);
        }
        finally
        {
            foreach (var value in values) value?.Dispose();
        }
    }

    /// <summary>Runs with a few inputs given as (name, tensor) pairs.</summary>
    public IReadOnlyDictionary<string, OnnxTensor> Run(params (string Name, OnnxTensor Tensor)[] inputs)
        => Run(inputs.ToDictionary(p => p.Name, p => p.Tensor));

    /// <summary>Called by the owning <see cref="OrtRuntime"/> when the application ends.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session.Dispose();
        _sessionOptions.Dispose();
        _runOptions.Dispose();
    }

    private static OnnxNodeInfo Describe(string name, NodeMetadata metadata)
        => new(name, metadata.ElementDataType, metadata.Dimensions.Select(d => (long)d).ToArray());
}
