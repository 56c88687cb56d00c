using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Faces.Landmarks;
using SonicWeb.Engine.Models;

namespace SonicWeb.Tests.Engine.Landmarks;

public class TfjsWeightsManifestTests
{
    // Captured from face_landmark_68_model-weights_manifest.json (first two entries, last one shortened),
    // plus a float32 tensor as some tfjs models have.
    private const string Snippet = """
        [{"weights":[
          {"name":"dense0/conv0/filters","shape":[3,3,3,32],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.004853619781194949,"min":-0.5872879935245888}},
          {"name":"dense0/conv0/bias","shape":[32],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.004396426443960153,"min":-0.7298067896973853}},
          {"name":"fc/bias","shape":[2],"dtype":"float32"}
        ],"paths":["face_landmark_68_model.bin"]}]
        """;

    [Fact]
    public void Parses_names_shapes_dtypes_and_quantization()
    {
        var manifest = TfjsWeightsManifest.Parse(Snippet);

        var group = Assert.Single(manifest.Groups);
        Assert.Equal(["face_landmark_68_model.bin"], group.Paths);
        Assert.Equal(3, group.Weights.Count);
        var filters = group.Weights[0];
        Assert.Equal("dense0/conv0/filters", filters.Name);
        Assert.Equal([3, 3, 3, 32], filters.Shape);
        Assert.Equal(864, filters.ElementCount);
        Assert.Equal(864, filters.ByteLength);
        Assert.Equal("uint8", filters.Quantization!.Dtype);
        Assert.Equal(-0.5872880f, filters.Quantization.Min, 6);
        Assert.Equal(0.0048536f, filters.Quantization.Scale, 6);
        Assert.Null(group.Weights[2].Quantization);
        Assert.Equal(8, group.Weights[2].ByteLength);
    }

    [Fact]
    public void Dequantises_uint8_and_reads_float32_in_manifest_order()
    {
        var manifest = TfjsWeightsManifest.Parse("""
            [{"paths":["x.bin"],"weights":[
              {"name":"q","shape":[3],"dtype":"float32","quantization":{"dtype":"uint8","min":-1.0,"scale":0.5}},
              {"name":"f","shape":[1,2],"dtype":"float32"}]}]
            """);
        byte[] bytes = [0, 2, 255, .. BitConverter.GetBytes(1.5f), .. BitConverter.GetBytes(-3.25f)];

        var map = TfjsWeightMap.FromBytes(manifest, bytes);

        Assert.Equal([-1f, 0f, 126.5f], map.Get("q", 3));
        Assert.Equal([1.5f, -3.25f], map.Get("f", 1, 2));
    }

    [Fact]
    public void Missing_tensors_wrong_shapes_and_wrong_sizes_are_named()
    {
        var manifest = TfjsWeightsManifest.Parse(Snippet);
        var bytes = new byte[864 + 32 + 8];
        var map = TfjsWeightMap.FromBytes(manifest, bytes);

        var missing = Assert.Throws<KeyNotFoundException>(() => map.Get("dense9/conv0/bias", 32));
        Assert.Contains("dense9/conv0/bias", missing.Message);
        var shape = Assert.Throws<FormatException>(() => map.Get("dense0/conv0/bias", 64));
        Assert.Contains("[32]", shape.Message);
        Assert.Contains("[64]", shape.Message);
        var size = Assert.Throws<FormatException>(() => TfjsWeightMap.FromBytes(manifest, bytes.AsSpan(1)));
        Assert.Contains("904", size.Message);
        Assert.Contains("903", size.Message);
        Assert.Throws<FormatException>(() => TfjsWeightsManifest.Parse("""[{"paths":[]}]"""));
        Assert.Throws<FormatException>(() => TfjsWeightsManifest.Parse("{not json"));
    }

    [Fact]
    public void The_real_landmark_weights_dequantise_to_finite_plausible_values()
    {
        var map = TfjsWeightMap.Load(ModelStore.Default.GetPath("landmarks68-manifest"), ModelStore.Default.GetPath("landmarks68-weights"));

        // dense0: full conv (2) + 3 separable (3 each); dense1..3: 4 separable each; fc: 2.
        Assert.Equal(2 + 9 + 3 * 12 + 2, map.Names.Count);
        foreach (var name in map.Names)
        {
            var values = map.Get(name, ShapeOf(map, name));
            Assert.All(values, v => Assert.True(float.IsFinite(v) && MathF.Abs(v) < 5f, $"{name}: {v}"));
            // Quantised to 256 levels: a real tensor uses many of them and is not constant.
            Assert.True(values.Distinct().Count() > Math.Min(values.Length / 2, 20), $"{name} looks degenerate");
        }
        Assert.Equal(256 * 136, map.Get("fc/weights", 256, 136).Length);
    }

    [Fact]
    public void A_truncated_weights_file_is_a_model_missing_error()
    {
        var dir = Directory.CreateTempSubdirectory("bad-landmarks").FullName;
        try
        {
            var manifest = Path.Combine(dir, "m.json");
            var weights = Path.Combine(dir, "w.bin");
            File.Copy(ModelStore.Default.GetPath("landmarks68-manifest"), manifest);
            File.WriteAllBytes(weights, File.ReadAllBytes(ModelStore.Default.GetPath("landmarks68-weights"))[..1000]);

            var e = Assert.Throws<SonicEngineException>(() => FaceLandmarkNet68.FromFiles(manifest, weights).EnsureLoaded());
            Assert.Equal(EngineErrorCodes.ModelMissing, e.Code);
            Assert.Contains("1000", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    private static int[] ShapeOf(TfjsWeightMap map, string name)
    {
        var manifest = TfjsWeightsManifest.Parse(File.ReadAllText(ModelStore.Default.GetPath("landmarks68-manifest")));
        return manifest.AllWeights.Single(w => w.Name == name).Shape.ToArray();
    }
}
