using SonicWeb.Engine.Onnx;

namespace SonicWeb.Tests.TestSupport;

/// <summary>
/// The ONNX Runtime the engine tests share, one per test process (as the app has one per process, owned
/// by its service container): sessions are loaded once and reused across test classes.
/// </summary>
public static class TestOnnx
{
    public static OrtRuntime Runtime { get; } = new();
}
