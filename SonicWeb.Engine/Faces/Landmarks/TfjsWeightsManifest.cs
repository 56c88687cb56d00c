using System.Text.Json;

namespace SonicWeb.Engine.Faces.Landmarks;

/// <summary>How a tensor is stored in the .bin when it is quantised: value = Min + q * Scale.</summary>
public sealed record TfjsQuantization(string Dtype, float Min, float Scale)
{
    /// <summary>Bytes per stored element (uint8 = 1, uint16 = 2).</summary>
    public int BytesPerElement => Dtype switch
    {
        "uint8" => 1,
        "uint16" => 2,
        _ => throw new FormatException($"Unsupported tfjs quantization dtype '{Dtype}' (supported: uint8, uint16)."),
    };
}

/// <summary>One tensor listed in a weights manifest, in the order its bytes follow each other in the group's files.</summary>
public sealed record TfjsWeightSpec(string Name, IReadOnlyList<int> Shape, string Dtype, TfjsQuantization? Quantization)
{
    public int ElementCount => Shape.Aggregate(1, (a, b) => checked(a * b));

    /// <summary>Bytes this tensor occupies in the .bin.</summary>
    public int ByteLength => checked(ElementCount * (Quantization?.BytesPerElement ?? Dtype switch
    {
        "float32" or "int32" => 4,
        _ => throw new FormatException($"Tensor '{Name}': unsupported dtype '{Dtype}' (supported: float32, int32, or uint8/uint16 quantised)."),
    }));
}

/// <summary>A group of tensors whose bytes are the concatenation of <see cref="Paths"/> (shards).</summary>
public sealed record TfjsWeightGroup(IReadOnlyList<string> Paths, IReadOnlyList<TfjsWeightSpec> Weights);

/// <summary>
/// A TensorFlow.js "weights manifest" (the *-weights_manifest.json next to a .bin): a JSON array of
/// groups, each with "paths" (shard files) and "weights" (name, shape, dtype, optional quantization).
/// </summary>
public sealed record TfjsWeightsManifest(IReadOnlyList<TfjsWeightGroup> Groups)
{
    public IEnumerable<TfjsWeightSpec> AllWeights => Groups.SelectMany(g => g.Weights);

    /// <summary>Parses manifest JSON text. Pure; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static TfjsWeightsManifest Parse(string json)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new FormatException($"tfjs weights manifest is not valid JSON: {e.Message}", e); }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new FormatException("tfjs weights manifest must be a JSON array of weight groups.");
            var groups = new List<TfjsWeightGroup>();
            foreach (var group in doc.RootElement.EnumerateArray())
            {
                var paths = Required(group, "paths", "group").EnumerateArray().Select(p => p.GetString() ?? "").ToList();
                var weights = Required(group, "weights", "group").EnumerateArray().Select(ParseWeight).ToList();
                groups.Add(new TfjsWeightGroup(paths, weights));
            }
            return new TfjsWeightsManifest(groups);
        }
    }

    private static TfjsWeightSpec ParseWeight(JsonElement w)
    {
        var name = Required(w, "name", "weight").GetString()
            ?? throw new FormatException("tfjs weight has a null name.");
        var shape = Required(w, "shape", $"weight '{name}'").EnumerateArray().Select(d => d.GetInt32()).ToList();
        var dtype = Required(w, "dtype", $"weight '{name}'").GetString() ?? "";
        TfjsQuantization? quantization = null;
        if (w.TryGetProperty("quantization", out var q) && q.ValueKind == JsonValueKind.Object)
        {
            quantization = new TfjsQuantization(
                Required(q, "dtype", $"quantization of '{name}'").GetString() ?? "",
                Required(q, "min", $"quantization of '{name}'").GetSingle(),
                Required(q, "scale", $"quantization of '{name}'").GetSingle());
        }
        return new TfjsWeightSpec(name, shape, dtype, quantization);
    }

    private static JsonElement Required(JsonElement obj, string property, string what)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(property, out var value)
            ? value
            : throw new FormatException($"tfjs weights manifest: {what} has no '{property}'.");
}
