using Microsoft.ML.OnnxRuntime.Tensors;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Models;
using SonicWeb.Engine.Onnx;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Onnx;

public class OrtRuntimeTests(ITestOutputHelper output)
{
    private static OrtRuntime Runtime => TestOnnx.Runtime;

    [Fact]
    public void Runtime_reports_the_library_version_and_the_cpu_provider()
    {
        output.WriteLine($"ORT {Runtime.Version}, providers: {string.Join(", ", Runtime.AvailableProviders)}");
        Assert.Equal("1.31.1", Runtime.Version); // Microsoft.ML.OnnxRuntime, Directory.Packages.props
        Assert.Contains("CPUExecutionProvider", Runtime.AvailableProviders);
    }

    [Fact]
    public void Blazeface_session_exposes_input_and_output_names_and_shapes()
    {
        var session = Runtime.GetSession(ModelStore.Default.GetPath("blazeface"));
        foreach (var node in session.Inputs) output.WriteLine("in  " + node);
        foreach (var node in session.Outputs) output.WriteLine("out " + node);

        var input = Assert.Single(session.Inputs);
        Assert.Equal("input:0", input.Name);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal([1L, 128, 128, 3], input.Shape);

        Assert.Equal(4, session.Outputs.Count);
        Assert.All(session.Outputs, o => Assert.EndsWith(":0", o.Name));
        var shapes = session.Outputs.Select(o => string.Join("x", o.Shape)).Order().ToArray();
        Assert.Equal(["1x384x1", "1x384x16", "1x512x1", "1x512x16"], shapes);
    }

    [Fact]
    public void Same_model_and_options_give_the_same_cached_session()
    {
        var path = ModelStore.Default.GetPath("silero-vad");
        Assert.Same(Runtime.GetSession(path), Runtime.GetSession(path, new OnnxSessionOptions()));
        Assert.NotSame(Runtime.GetSession(path), Runtime.GetSession(path, new OnnxSessionOptions { IntraOpThreads = 2 }));
    }

    [Fact]
    public void A_file_that_is_not_onnx_becomes_an_inference_failed_error_naming_the_problem()
    {
        var path = Path.Combine(TestMedia.WorkDir, "not-a-model.onnx");
        File.WriteAllText(path, "this is plain text, not a protobuf model");
        var e = Assert.Throws<OrtException>(() => Runtime.GetSession(path));
        output.WriteLine(e.Message);
        Assert.IsAssignableFrom<SonicEngineException>(e);
        Assert.Equal(EngineErrorCodes.InferenceFailed, e.Code);
        Assert.StartsWith("ONNX Runtime: ", e.Message);
        Assert.Contains("not-a-model.onnx", e.Message);
        Assert.Contains("Protobuf parsing failed", e.Message);
    }

    [Fact]
    public void A_missing_model_file_is_reported_by_path()
    {
        var path = Path.Combine(TestMedia.WorkDir, "does-not-exist.onnx");
        var e = Assert.Throws<OrtException>(() => Runtime.GetSession(path));
        output.WriteLine(e.Message);
        Assert.Contains("does-not-exist.onnx", e.Message);
    }

    [Fact]
    public void Asking_for_cuda_on_the_cpu_build_warns_once_naming_what_is_missing_and_still_runs()
    {
        // A runtime of its own: the one warning belongs to the runtime, whatever other tests asked for.
        using var runtime = new OrtRuntime();
        var warnings = new List<string>();
        var options = new OnnxSessionOptions { UseCuda = true, CudaDeviceId = 0 };

        var session = runtime.GetSession(ModelStore.Default.GetPath("blazeface"), options, warnings.Add);
        var again = runtime.GetSession(ModelStore.Default.GetPath("blazeface"), options, warnings.Add);
        var vad = runtime.GetSession(ModelStore.Default.GetPath("silero-vad"), options, warnings.Add);
        var outputs = session.Run(("input:0", OnnxTensor.FromFloats(new float[128 * 128 * 3], 1, 128, 128, 3)));

        foreach (var w in warnings) output.WriteLine(w);
        Assert.Same(session, again);
        var warning = Assert.Single(warnings); // one for the runtime, not one per model
        Assert.Contains("Engine:Onnx:UseCuda", warning);
        Assert.Contains("CPU-only", warning);
        Assert.Contains("OnnxRuntimeFlavor=Gpu", warning);
        Assert.Contains("run on the CPU", warning);
        Assert.Equal(OrtRuntime.CpuProvider, session.ExecutionProvider);
        Assert.Equal(OrtRuntime.CpuProvider, vad.ExecutionProvider);
        var status = runtime.Status;
        Assert.True(status.CudaRequested);
        Assert.Contains("CPU-only", status.CudaProblem);
        Assert.Equal(OrtRuntime.CpuProvider, status.ExecutionProvider);
        Assert.Equal(4, outputs.Count);
        Assert.All(outputs.Values, t => Assert.All(t.Floats, v => Assert.True(float.IsFinite(v))));
    }

    [Fact]
    public void A_failed_cuda_start_can_name_the_missing_libraries()
    {
        // The probe the GPU flavour's warning uses: the dynamic loader's answer for each library.
        var missing = CudaLibraries.Missing(["libc.so.6", "libsonicweb-does-not-exist.so.1"]);
        Assert.Equal(["libsonicweb-does-not-exist.so.1"], missing);
        Assert.Contains("libcublasLt.so.13", CudaLibraries.Required);
        Assert.Contains("libcudnn.so.9", CudaLibraries.Required);
        output.WriteLine("missing here: " + string.Join(", ", CudaLibraries.Missing()));
    }

    [Fact]
    public void Disposing_the_runtime_releases_its_sessions_and_refuses_new_ones()
    {
        var runtime = new OrtRuntime();
        var session = runtime.GetSession(ModelStore.Default.GetPath("silero-vad"));
        Assert.Equal("CPUExecutionProvider", runtime.Status.SessionProviders["silero_vad_v5.onnx"]);
        runtime.Dispose();
        Assert.Throws<ObjectDisposedException>(() => runtime.GetSession(ModelStore.Default.GetPath("silero-vad")));
        Assert.ThrowsAny<ObjectDisposedException>(() => session.Run(
            ("input", OnnxTensor.FromFloats(new float[576], 1, 576)), ("state", OnnxTensor.FromFloats(new float[256], 2, 1, 128)), ("sr", OnnxTensor.Int64Scalar(16000))));
        runtime.Dispose(); // twice is harmless
    }

    [Fact]
    public void Wrong_input_name_is_rejected_with_the_model_inputs_listed()
    {
        var session = Runtime.GetSession(ModelStore.Default.GetPath("blazeface"));
        var e = Assert.Throws<ArgumentException>(() => session.Run(("image", OnnxTensor.FromFloats(new float[3], 1, 3))));
        Assert.Contains("input:0", e.Message);
    }

    [Fact]
    public void Wrong_input_shape_becomes_an_ort_error()
    {
        var session = Runtime.GetSession(ModelStore.Default.GetPath("blazeface"));
        var e = Assert.Throws<OrtException>(() => session.Run(("input:0", OnnxTensor.FromFloats(new float[64 * 64 * 3], 1, 64, 64, 3))));
        output.WriteLine(e.Message);
        Assert.Equal(EngineErrorCodes.InferenceFailed, e.Code);
    }

    [Fact]
    public void Silero_session_exposes_its_inputs_and_outputs()
    {
        var session = Runtime.GetSession(ModelStore.Default.GetPath("silero-vad"));
        foreach (var node in session.Inputs) output.WriteLine("in  " + node);
        foreach (var node in session.Outputs) output.WriteLine("out " + node);
        // Silero v5 as shipped by vad-web: dynamic batch/length, the recurrent state, a scalar sample rate.
        Assert.Equal(["input Float [-1,-1]", "sr Int64 []", "state Float [2,-1,128]"], session.Inputs.Select(i => i.ToString()).Order().ToArray());
        Assert.Equal(["output", "stateN"], session.Outputs.Select(i => i.Name).Order().ToArray());
    }
}
