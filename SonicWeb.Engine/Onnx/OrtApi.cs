using System.Runtime.InteropServices;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Models;

namespace SonicWeb.Engine.Onnx;

/// <summary>
/// The ONNX Runtime C API function table (struct OrtApi), called through unmanaged function pointers.
/// There is no managed ORT package here, so this is the whole binding: one typed method per entry we
/// use, each turning a non-null OrtStatus* into an <see cref="OrtException"/>. Entry indices come from
/// onnxruntime_c_api.h (see docs: shared/reference/ort-c-api-function-table.txt); the table only ever
/// grows, so indices stay valid for every API version from the one they appeared in.
/// </summary>
internal sealed unsafe class OrtApi
{
    /// <summary>The header version the indices below were read from; newer libraries accept it too.</summary>
    public const uint HeaderApiVersion = 29;

    /// <summary>Oldest table we can work with (CUDA_V2 provider options, index 204, exist since 11).</summary>
    private const uint MinimumApiVersion = 11;

    private static readonly Lazy<OrtApi> Loaded = new(() => Load(ModelStore.Default.GetPath("onnxruntime")));

    private readonly nint* _table;

    private OrtApi(nint* table, uint apiVersion, string versionString)
    {
        _table = table;
        ApiVersion = apiVersion;
        VersionString = versionString;
    }

    /// <summary>The process-wide table (loads libonnxruntime on first use).</summary>
    public static OrtApi Instance => Loaded.Value;

    public uint ApiVersion { get; }

    /// <summary>The library's own version, e.g. "1.30.0".</summary>
    public string VersionString { get; }

    private static OrtApi Load(string libraryPath)
    {
        nint library;
        try { library = NativeLibrary.Load(libraryPath); }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new SonicEngineException(EngineErrorCodes.InferenceFailed,
                $"ONNX Runtime: the native library at {libraryPath} could not be loaded: {e.Message}", e);
        }
        // OrtApiBase is { const OrtApi* (*GetApi)(uint32_t version); const char* (*GetVersionString)(void); }.
        var getApiBase = (delegate* unmanaged[Cdecl]<nint*>)NativeLibrary.GetExport(library, "OrtGetApiBase");
        nint* apiBase = getApiBase();
        var getApi = (delegate* unmanaged[Cdecl]<uint, nint*>)apiBase[0];
        var getVersionString = (delegate* unmanaged[Cdecl]<byte*>)apiBase[1];
        string version = Marshal.PtrToStringUTF8((nint)getVersionString()) ?? "?";
        // An older library returns null for a version it does not know; step down until it answers.
        for (uint v = HeaderApiVersion; v >= MinimumApiVersion; v--)
        {
            nint* table = getApi(v);
            if (table != null) return new OrtApi(table, v, version);
        }
        throw new SonicEngineException(EngineErrorCodes.InferenceFailed,
            $"ONNX Runtime: the library at {libraryPath} (version {version}) supports none of the C API versions {MinimumApiVersion}..{HeaderApiVersion}.");
    }

    private nint Fn(int index) => _table[index];

    /// <summary>Throws for a non-null status, releasing it first (ORT allocated it for us).</summary>
    public void Check(nint status)
    {
        if (status == nint.Zero) return;
        int code = ((delegate* unmanaged[Cdecl]<nint, int>)Fn(1))(status);
        string message = Marshal.PtrToStringUTF8(((delegate* unmanaged[Cdecl]<nint, nint>)Fn(2))(status)) ?? "unknown error";
        ((delegate* unmanaged[Cdecl]<nint, void>)Fn(93))(status);
        throw new OrtException(code, message);
    }

    // ---- environment, options, sessions ----

    public nint CreateEnv(int logSeverityLevel, string logId)
    {
        nint env;
        fixed (byte* id = Utf8(logId))
            Check(((delegate* unmanaged[Cdecl]<int, byte*, nint*, nint>)Fn(3))(logSeverityLevel, id, &env));
        return env;
    }

    public nint CreateSessionOptions()
    {
        nint options;
        Check(((delegate* unmanaged[Cdecl]<nint*, nint>)Fn(10))(&options));
        return options;
    }

    public void SetIntraOpNumThreads(nint options, int threads)
        => Check(((delegate* unmanaged[Cdecl]<nint, int, nint>)Fn(24))(options, threads));

    public void SetInterOpNumThreads(nint options, int threads)
        => Check(((delegate* unmanaged[Cdecl]<nint, int, nint>)Fn(25))(options, threads));

    public void AddSessionConfigEntry(nint options, string key, string value)
    {
        fixed (byte* k = Utf8(key))
        fixed (byte* v = Utf8(value))
            Check(((delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint>)Fn(130))(options, k, v));
    }

    /// <summary>Appends the CUDA provider (OrtCUDAProviderOptionsV2 route); throws when CUDA is not built in.</summary>
    public void AppendCudaExecutionProvider(nint options, int deviceId)
    {
        nint cudaOptions;
        Check(((delegate* unmanaged[Cdecl]<nint*, nint>)Fn(205))(&cudaOptions));
        try
        {
            fixed (byte* key = Utf8("device_id"))
            fixed (byte* value = Utf8(deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                byte** keys = stackalloc byte*[] { key };
                byte** values = stackalloc byte*[] { value };
                Check(((delegate* unmanaged[Cdecl]<nint, byte**, byte**, nuint, nint>)Fn(206))(cudaOptions, keys, values, 1));
            }
            Check(((delegate* unmanaged[Cdecl]<nint, nint, nint>)Fn(204))(options, cudaOptions));
        }
        finally
        {
            ((delegate* unmanaged[Cdecl]<nint, void>)Fn(208))(cudaOptions);
        }
    }

    /// <summary>Loads a model. The path is a UTF-8 char* on Linux/macOS (wchar_t* only on Windows).</summary>
    public nint CreateSession(nint env, string modelPath, nint options)
    {
        nint session;
        if (OperatingSystem.IsWindows())
        {
            fixed (char* path = modelPath + "\0")
                Check(((delegate* unmanaged[Cdecl]<nint, char*, nint, nint*, nint>)Fn(7))(env, path, options, &session));
        }
        else
        {
            fixed (byte* path = Utf8(modelPath))
                Check(((delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint>)Fn(7))(env, path, options, &session));
        }
        return session;
    }

    public void Run(nint session, byte** inputNames, nint* inputs, nuint inputCount, byte** outputNames, nuint outputCount, nint* outputs)
        => Check(((delegate* unmanaged[Cdecl]<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint>)Fn(9))(
            session, nint.Zero, inputNames, inputs, inputCount, outputNames, outputCount, outputs));

    // ---- session metadata ----

    public int SessionInputCount(nint session)
    {
        nuint count;
        Check(((delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Fn(30))(session, &count));
        return checked((int)count);
    }

    public int SessionOutputCount(nint session)
    {
        nuint count;
        Check(((delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Fn(31))(session, &count));
        return checked((int)count);
    }

    public string SessionInputName(nint session, int index) => SessionName(36, session, index);

    public string SessionOutputName(nint session, int index) => SessionName(37, session, index);

    /// <summary>ORT allocates the name with the default allocator; we copy it and free it there.</summary>
    private string SessionName(int fn, nint session, int index)
    {
        nint allocator = DefaultAllocator();
        byte* name;
        Check(((delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)Fn(fn))(session, (nuint)index, allocator, &name));
        try { return Marshal.PtrToStringUTF8((nint)name) ?? ""; }
        finally { Check(((delegate* unmanaged[Cdecl]<nint, void*, nint>)Fn(76))(allocator, name)); }
    }

    public OnnxNodeInfo SessionInputInfo(nint session, int index, string name) => NodeInfo(33, session, index, name);

    public OnnxNodeInfo SessionOutputInfo(nint session, int index, string name) => NodeInfo(34, session, index, name);

    private OnnxNodeInfo NodeInfo(int fn, nint session, int index, string name)
    {
        nint typeInfo;
        Check(((delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)Fn(fn))(session, (nuint)index, &typeInfo));
        try
        {
            // The tensor info is borrowed from typeInfo (not released separately); null for non-tensors.
            nint tensorInfo;
            Check(((delegate* unmanaged[Cdecl]<nint, nint*, nint>)Fn(55))(typeInfo, &tensorInfo));
            if (tensorInfo == nint.Zero) return new OnnxNodeInfo(name, OnnxElementType.Undefined, []);
            return new OnnxNodeInfo(name, ElementType(tensorInfo), Dimensions(tensorInfo));
        }
        finally { ((delegate* unmanaged[Cdecl]<nint, void>)Fn(98))(typeInfo); }
    }

    /// <summary>The shared default CPU allocator. Owned by ORT: never release it.</summary>
    private nint DefaultAllocator()
    {
        nint allocator;
        Check(((delegate* unmanaged[Cdecl]<nint*, nint>)Fn(78))(&allocator));
        return allocator;
    }

    // ---- tensors ----

    public nint CreateCpuMemoryInfo()
    {
        const int OrtArenaAllocator = 1, OrtMemTypeDefault = 0;
        nint info;
        Check(((delegate* unmanaged[Cdecl]<int, int, nint*, nint>)Fn(69))(OrtArenaAllocator, OrtMemTypeDefault, &info));
        return info;
    }

    /// <summary>Wraps caller memory as a tensor without copying: the memory must stay pinned until ReleaseValue.</summary>
    public nint CreateTensorWithData(nint memoryInfo, void* data, nuint byteLength, long* shape, nuint rank, OnnxElementType type)
    {
        nint value;
        Check(((delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint>)Fn(49))(
            memoryInfo, data, byteLength, shape, rank, (int)type, &value));
        return value;
    }

    public void* TensorData(nint value)
    {
        void* data;
        Check(((delegate* unmanaged[Cdecl]<nint, void**, nint>)Fn(51))(value, &data));
        return data;
    }

    public (OnnxElementType Type, long[] Shape) TensorTypeAndShape(nint value)
    {
        nint info;
        Check(((delegate* unmanaged[Cdecl]<nint, nint*, nint>)Fn(65))(value, &info));
        try { return (ElementType(info), Dimensions(info)); }
        finally { ((delegate* unmanaged[Cdecl]<nint, void>)Fn(99))(info); }
    }

    private OnnxElementType ElementType(nint tensorInfo)
    {
        int type;
        Check(((delegate* unmanaged[Cdecl]<nint, int*, nint>)Fn(60))(tensorInfo, &type));
        return (OnnxElementType)type;
    }

    private long[] Dimensions(nint tensorInfo)
    {
        nuint rank;
        Check(((delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Fn(61))(tensorInfo, &rank));
        var dims = new long[(int)rank];
        fixed (long* p = dims)
            Check(((delegate* unmanaged[Cdecl]<nint, long*, nuint, nint>)Fn(62))(tensorInfo, p, rank));
        return dims;
    }

    // ---- providers ----

    public IReadOnlyList<string> AvailableProviders()
    {
        byte** names;
        int count;
        Check(((delegate* unmanaged[Cdecl]<byte***, int*, nint>)Fn(125))(&names, &count));
        try
        {
            var result = new string[count];
            for (int i = 0; i < count; i++) result[i] = Marshal.PtrToStringUTF8((nint)names[i]) ?? "";
            return result;
        }
        finally { Check(((delegate* unmanaged[Cdecl]<byte**, int, nint>)Fn(126))(names, count)); }
    }

    // ---- release functions (void, never fail) ----

    public void ReleaseEnv(nint p) => ((delegate* unmanaged[Cdecl]<nint, void>)Fn(92))(p);
    public void ReleaseMemoryInfo(nint p) => ((delegate* unmanaged[Cdecl]<nint, void>)Fn(94))(p);
    public void ReleaseSession(nint p) => ((delegate* unmanaged[Cdecl]<nint, void>)Fn(95))(p);
    public void ReleaseValue(nint p) => ((delegate* unmanaged[Cdecl]<nint, void>)Fn(96))(p);
    public void ReleaseSessionOptions(nint p) => ((delegate* unmanaged[Cdecl]<nint, void>)Fn(100))(p);

    /// <summary>Null-terminated UTF-8 bytes for a char* argument.</summary>
    private static byte[] Utf8(string s)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(s) + 1];
        System.Text.Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}
