using System.Runtime.InteropServices;

namespace SonicWeb.Engine.Onnx;

/// <summary>
/// The shared libraries the GPU flavour's CUDA provider needs on the host, so a failed CUDA start can
/// name what is missing (ONNX Runtime's own exception only says "Failed to load shared library").
/// </summary>
public static class CudaLibraries
{
    /// <summary>
    /// The NVIDIA driver, the CUDA 13 runtime libraries that libonnxruntime_providers_cuda.so 1.31 links
    /// against (its NEEDED entries), and cuDNN 9, which it loads on first use.
    /// </summary>
    public static IReadOnlyList<string> Required { get; } =
        ["libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10", "libcudnn.so.9"];

    /// <summary>Which of <paramref name="names"/> (default: <see cref="Required"/>) the dynamic loader cannot find.</summary>
    public static IReadOnlyList<string> Missing(IEnumerable<string>? names = null)
    {
        var missing = new List<string>();
        foreach (var name in names ?? Required)
        {
            if (NativeLibrary.TryLoad(name, out var handle)) NativeLibrary.Free(handle);
            else missing.Add(name);
        }
        return missing;
    }
}
