using System.Runtime.InteropServices;

namespace SonicWeb.Engine.Onnx;

/// <summary>
/// Owner of one native ORT object. Each subclass names the ORT release function for its type, so a
/// handle is released exactly once, even when an exception or a finalizer gets there first.
/// </summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle(nint handle) : base(nint.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == nint.Zero;

    /// <summary>The raw pointer, for passing to ORT while this handle is alive (callers keep it alive).</summary>
    public nint Pointer => IsClosed ? throw new ObjectDisposedException(GetType().Name) : handle;
}

internal sealed class OrtEnvHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle() { OrtApi.Instance.ReleaseEnv(handle); return true; }
}

internal sealed class OrtSessionOptionsHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle() { OrtApi.Instance.ReleaseSessionOptions(handle); return true; }
}

internal sealed class OrtSessionHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle() { OrtApi.Instance.ReleaseSession(handle); return true; }
}

internal sealed class OrtValueHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle() { OrtApi.Instance.ReleaseValue(handle); return true; }
}

internal sealed class OrtMemoryInfoHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle() { OrtApi.Instance.ReleaseMemoryInfo(handle); return true; }
}
