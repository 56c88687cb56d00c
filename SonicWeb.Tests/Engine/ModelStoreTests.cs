using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Models;

namespace SonicWeb.Tests.Engine;

public class ModelStoreTests
{
    [Fact]
    public void Every_manifest_model_is_present_and_verified_in_the_test_output()
    {
        Assert.Empty(ModelStore.Default.CheckAll());
        // BlazeFace, the landmark manifest and weights, Silero. ONNX Runtime's native library is no longer a
        // "model": it comes with the NuGet package.
        Assert.Equal(4, ModelStore.Manifest.Count);
        Assert.DoesNotContain(ModelStore.Manifest, m => m.File.Contains("onnxruntime"));
    }

    [Fact]
    public void A_missing_model_names_the_file_and_the_fetch_command()
    {
        var store = new ModelStore(Path.Combine(Path.GetTempPath(), "no-models-" + Guid.NewGuid()));
        var e = Assert.Throws<SonicEngineException>(() => store.GetPath("blazeface"));
        Assert.Equal(EngineErrorCodes.ModelMissing, e.Code);
        Assert.Contains("blazeface_front_128.onnx", e.Message);
        Assert.Contains("fetch-models.sh", e.Message);
    }

    [Fact]
    public void A_corrupt_model_is_reported_with_both_hashes()
    {
        var dir = Directory.CreateTempSubdirectory("corrupt-models").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "silero_vad_v5.onnx"), "not a model");
            var e = Assert.Throws<SonicEngineException>(() => new ModelStore(dir).GetPath("silero-vad"));
            Assert.Equal(EngineErrorCodes.ModelMissing, e.Code);
            Assert.Contains("corrupt", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
