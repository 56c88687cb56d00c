using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace SonicWeb.Engine.Onnx;

/// <summary>
/// ONNX Runtime for one application: the process-wide environment (log level ERROR) and a cache of
/// sessions, one per (model path, options), created on first request and disposed with this object.
/// The web app owns one as a singleton of its service container (disposed at shutdown); the CLI, tools
/// and tests create their own.
/// <para>
/// CUDA: when <see cref="OnnxSessionOptions.UseCuda"/> is set, the first session tries to add the CUDA
/// execution provider. Where it cannot (this build carries the CPU-only package, or the GPU package
/// finds no CUDA 13 / cuDNN 9 libraries), one warning names what is missing, and every session runs on
/// the CPU without trying again. <see cref="Status"/> says which provider is in use (shown on /health).
/// </para>
/// </summary>
public sealed class OrtRuntime : IDisposable
{
    public const string CpuProvider = "CPUExecutionProvider";
    public const string CudaProvider = "CUDAExecutionProvider";

    private readonly ConcurrentDictionary<(string Path, OnnxSessionOptions Options), Lazy<OnnxSession>> _sessions = new();
    private readonly Lazy<OrtEnv> _env = new(CreateEnvironment);
    private readonly Lock _cudaGate = new();
    private bool _cudaRequested;
    private string? _cudaProblem;
    private volatile bool _disposed;

    /// <summary>The native library's version, e.g. "1.31.1".</summary>
    public string Version => _env.Value.GetVersionString();

    /// <summary>Execution providers compiled into the native library, e.g. ["CPUExecutionProvider"].</summary>
    public IReadOnlyList<string> AvailableProviders => _env.Value.GetAvailableProviders();

    /// <summary>Which providers the loaded models run on, and why not CUDA when it was asked for.</summary>
    public OrtRuntimeStatus Status
    {
        get
        {
            var sessions = _sessions.Values.Where(l => l.IsValueCreated).Select(l => l.Value).ToList();
            lock (_cudaGate)
            {
                return new OrtRuntimeStatus(
                    sessions.ToDictionary(s => Path.GetFileName(s.ModelPath), s => s.ExecutionProvider),
                    _cudaRequested, _cudaProblem);
            }
        }
    }

    /// <summary>
    /// The cached session for <paramref name="modelPath"/> with <paramref name="options"/>, loading it on
    /// first request. When CUDA is requested but unavailable, <paramref name="warn"/> (or, if null,
    /// <see cref="Trace"/>) gets the one warning of this runtime, and the session runs on the CPU.
    /// Throws <see cref="OrtException"/> when ONNX Runtime cannot load the model.
    /// </summary>
    public OnnxSession GetSession(string modelPath, OnnxSessionOptions? options = null, Action<string>? warn = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var key = (Path.GetFullPath(modelPath), options ?? OnnxSessionOptions.Default);
        var lazy = _sessions.GetOrAdd(key, k => new Lazy<OnnxSession>(() => CreateSession(k.Path, k.Options, warn)));
        try { return lazy.Value; }
        catch
        {
            // Do not cache failures: the file may be fixed and asked for again.
            _sessions.TryRemove(new KeyValuePair<(string, OnnxSessionOptions), Lazy<OnnxSession>>(key, lazy));
            throw;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var lazy in _sessions.Values)
            if (lazy.IsValueCreated) lazy.Value.Dispose();
        _sessions.Clear();
        // The OrtEnv itself is process-wide in ONNX Runtime's managed API (a singleton that cannot be
        // created twice); it goes with the process.
    }

    private OnnxSession CreateSession(string modelPath, OnnxSessionOptions options, Action<string>? warn)
    {
        _ = _env.Value;
        var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            // Spinning worker threads burn a core while idle; on a shared 2-core box that slows everything else.
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            string provider = options.UseCuda && TryAppendCuda(sessionOptions, options.CudaDeviceId, warn) ? CudaProvider : CpuProvider;
            var session = new InferenceSession(modelPath, sessionOptions);
            return new OnnxSession(session, modelPath, provider, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            sessionOptions.Dispose();
            throw new OrtException(e.Message, e);
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Adds the CUDA provider, or returns false after the runtime's single warning. The CPU package has no
    /// CUDA entry point at all (EntryPointNotFoundException); the GPU package fails to load its CUDA
    /// provider library when the CUDA 13 / cuDNN 9 libraries are missing (OnnxRuntimeException naming the
    /// missing .so). Once CUDA has failed, later sessions do not try again.
    /// </summary>
    private bool TryAppendCuda(SessionOptions sessionOptions, int deviceId, Action<string>? warn)
    {
        lock (_cudaGate)
        {
            _cudaRequested = true;
            if (_cudaProblem != null) return false;
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA(deviceId);
                return true;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or OnnxRuntimeException or DllNotFoundException)
            {
                _cudaProblem = e is EntryPointNotFoundException ? CpuOnlyBuild() : CudaProviderFailed(deviceId, e);
                string message = $"CUDA was requested (Engine:Onnx:UseCuda=true) but {_cudaProblem}. The models run on the CPU.";
                if (warn != null) warn(message);
                else Trace.TraceWarning(message);
                return false;
            }
        }
    }

    private string CpuOnlyBuild() =>
        $"this build carries the CPU-only ONNX Runtime {Version} (package Microsoft.ML.OnnxRuntime), which has no CUDA provider; build with -p:OnnxRuntimeFlavor=Gpu for it";

    private string CudaProviderFailed(int deviceId, Exception e)
    {
        var missing = CudaLibraries.Missing();
        string what = missing.Count > 0
            ? $"these libraries are missing: {string.Join(", ", missing)}"
            : $"ONNX Runtime said: {e.Message.Trim()}";
        return $"the CUDA provider of ONNX Runtime {Version} could not start on device {deviceId} ({what}); a GPU host needs the NVIDIA driver, the CUDA 13 runtime libraries and cuDNN 9 on the library path (docs/gpu.md)";
    }

    private static OrtEnv CreateEnvironment()
    {
        if (OrtEnv.IsCreated) return OrtEnv.Instance();
        var options = new EnvironmentCreationOptions { logId = "SonicWeb", logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        return OrtEnv.CreateInstanceWithOptions(ref options);
    }
}

/// <summary>
/// Where the models run: execution provider by model file, whether CUDA was asked for and, if it could
/// not be used, why.
/// </summary>
public sealed record OrtRuntimeStatus(IReadOnlyDictionary<string, string> SessionProviders, bool CudaRequested, string? CudaProblem)
{
    /// <summary>"CUDAExecutionProvider", "CPUExecutionProvider", "none" before any model is loaded, or both joined by " + ".</summary>
    public string ExecutionProvider => SessionProviders.Count == 0 ? "none"
        : string.Join(" + ", SessionProviders.Values.Distinct().Order(StringComparer.Ordinal));
}
