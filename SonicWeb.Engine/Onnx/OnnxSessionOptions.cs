namespace SonicWeb.Engine.Onnx;

/// <summary>
/// How a model is run. Part of the session cache key: the same model with different options gets
/// its own session.
/// </summary>
public sealed record OnnxSessionOptions
{
    public static OnnxSessionOptions Default { get; } = new();

    /// <summary>Threads inside one operator. 1 is fastest for our small models on 2 cores; 0 = ORT's choice.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Ask for the CUDA provider. Where CUDA is missing the runtime warns once and runs on the CPU (see <see cref="OrtRuntime"/>).</summary>
    public bool UseCuda { get; init; }

    public int CudaDeviceId { get; init; }
}
