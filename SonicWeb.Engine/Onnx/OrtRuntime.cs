using System.Collections.Concurrent;
using System.Diagnostics;

namespace SonicWeb.Engine.Onnx;

/// <summary>
/// The process-wide ONNX Runtime: the native library, its API table, one OrtEnv (log level ERROR) and a
/// cache of sessions, one per (model path, options). Created lazily and thread-safely on first use.
/// </summary>
public sealed class OrtRuntime
{
    private const int LogLevelError = 3;

    private static readonly Lazy<OrtRuntime> Shared = new(() => new OrtRuntime(OrtApi.Instance));

    private readonly OrtApi _api;
    private readonly OrtEnvHandle _env;
    private readonly OrtMemoryInfoHandle _cpuMemory;
    private readonly ConcurrentDictionary<(string Path, OnnxSessionOptions Options), Lazy<OnnxSession>> _sessions = new();

    private OrtRuntime(OrtApi api)
    {
        _api = api;
        _env = new OrtEnvHandle(api.CreateEnv(LogLevelError, "SonicWeb"));
        _cpuMemory = new OrtMemoryInfoHandle(api.CreateCpuMemoryInfo());
        AvailableProviders = api.AvailableProviders();
    }

    public static OrtRuntime Instance => Shared.Value;

    /// <summary>The native library's version, e.g. "1.30.0".</summary>
    public string Version => _api.VersionString;

    /// <summary>The C API version we bound (the highest of ours the library accepts).</summary>
    public uint ApiVersion => _api.ApiVersion;

    /// <summary>Execution providers compiled into the library, e.g. ["CPUExecutionProvider"].</summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    /// <summary>
    /// The cached session for <paramref name="modelPath"/> with <paramref name="options"/>, loading it on
    /// first request. When CUDA is requested but unavailable, <paramref name="warn"/> (or, if null,
    /// <see cref="Trace"/>) gets one warning as the session is created, and the session runs on the CPU.
    /// Throws <see cref="OrtException"/> when ONNX Runtime cannot load the model.
    /// </summary>
    public static OnnxSession GetSession(string modelPath, OnnxSessionOptions? options = null, Action<string>? warn = null)
        => Instance.GetOrCreateSession(modelPath, options ?? OnnxSessionOptions.Default, warn);

    private OnnxSession GetOrCreateSession(string modelPath, OnnxSessionOptions options, Action<string>? warn)
    {
        var key = (Path.GetFullPath(modelPath), options);
        var lazy = _sessions.GetOrAdd(key, k => new Lazy<OnnxSession>(() => CreateSession(k.Item1, k.Item2, warn)));
        try { return lazy.Value; }
        catch
        {
            // Do not cache failures: the file may be fixed and asked for again.
            _sessions.TryRemove(new KeyValuePair<(string, OnnxSessionOptions), Lazy<OnnxSession>>(key, lazy));
            throw;
        }
    }

    private OnnxSession CreateSession(string modelPath, OnnxSessionOptions options, Action<string>? warn)
    {
        using var sessionOptions = new OrtSessionOptionsHandle(_api.CreateSessionOptions());
        nint so = sessionOptions.Pointer;
        _api.SetIntraOpNumThreads(so, options.IntraOpThreads);
        _api.SetInterOpNumThreads(so, 1);
        // Spinning worker threads burn a core while idle; on a shared 2-core box that slows everything else.
        _api.AddSessionConfigEntry(so, "session.intra_op.allow_spinning", "0");

        string provider = "CPUExecutionProvider";
        if (options.UseCuda)
        {
            try
            {
                _api.AppendCudaExecutionProvider(so, options.CudaDeviceId);
                provider = "CUDAExecutionProvider";
            }
            catch (OrtException e)
            {
                string message = $"CUDA was requested for {Path.GetFileName(modelPath)} (device {options.CudaDeviceId}) but is not available, so it runs on the CPU. {e.Message} (Providers in this ONNX Runtime {Version}: {string.Join(", ", AvailableProviders)}.)";
                if (warn != null) warn(message);
                else Trace.TraceWarning(message);
            }
        }

        var session = new OrtSessionHandle(_api.CreateSession(_env.Pointer, modelPath, so));
        return new OnnxSession(_api, session, _cpuMemory, modelPath, provider);
    }
}
