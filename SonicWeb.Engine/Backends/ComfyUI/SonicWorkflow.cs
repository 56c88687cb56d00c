using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SonicWeb.Engine.Errors;

namespace SonicWeb.Engine.Backends.ComfyUI;

/// <summary>What SonicWeb fills into a workflow template for one job.</summary>
public sealed record SonicWorkflowInputs(string Image, string Audio, int MinResolution, double Duration, double ExpandRatio,
    long Seed, int InferenceSteps, double DynamicScale, double Fps, string FilenamePrefix);

/// <summary>
/// The ComfyUI workflow (API format: node id -> {"class_type", "inputs"}) that runs Sonic for one job.
/// Admins edit the template (Admin > Backends); a string input that is exactly a placeholder such as
/// "{{min_resolution}}" is replaced by the job's value (numbers become JSON numbers). The shipped
/// template uses ComfyUI's core loaders (LoadImage, LoadAudio, ImageOnlyCheckpointLoader for the SVD
/// model, CreateVideo, SaveVideo) and the three ComfyUI_Sonic nodes (smthemex/ComfyUI_Sonic:
/// SONICTLoader, SONIC_PreData with min_resolution/duration/expand_ratio, SONICSampler with
/// seed/inference_steps/dynamic_scale/fps), so it runs on any ComfyUI with those nodes and the Sonic
/// and SVD weights installed.
/// </summary>
public static class SonicWorkflow
{
    public static readonly IReadOnlyList<string> Placeholders =
        ["image", "audio", "min_resolution", "duration", "expand_ratio", "seed", "inference_steps", "dynamic_scale", "fps", "filename_prefix"];

    /// <summary>Placeholders a template must use, or the job could not reach the workflow.</summary>
    public static readonly IReadOnlyList<string> Required = ["image", "audio"];

    public const string DefaultTemplate = """
        {
          "1": { "class_type": "ImageOnlyCheckpointLoader", "inputs": { "ckpt_name": "svd_xt_1_1.safetensors" } },
          "2": { "class_type": "LoadImage", "inputs": { "image": "{{image}}" } },
          "3": { "class_type": "LoadAudio", "inputs": { "audio": "{{audio}}" } },
          "4": { "class_type": "SONICTLoader", "inputs": { "model": ["1", 0], "sonic_unet": "unet.pth", "ip_audio_scale": 1.0, "use_interframe": true, "dtype": "fp16" } },
          "5": { "class_type": "SONIC_PreData", "inputs": { "clip_vision": ["1", 1], "vae": ["1", 2], "audio": ["3", 0], "image": ["2", 0], "weight_dtype": ["4", 1],
                 "min_resolution": "{{min_resolution}}", "duration": "{{duration}}", "expand_ratio": "{{expand_ratio}}" } },
          "6": { "class_type": "SONICSampler", "inputs": { "model": ["4", 0], "data_dict": ["5", 0], "seed": "{{seed}}", "inference_steps": "{{inference_steps}}",
                 "dynamic_scale": "{{dynamic_scale}}", "fps": "{{fps}}" } },
          "7": { "class_type": "CreateVideo", "inputs": { "images": ["6", 0], "fps": ["6", 1], "audio": ["3", 0] } },
          "8": { "class_type": "SaveVideo", "inputs": { "video": ["7", 0], "filename_prefix": "{{filename_prefix}}", "format": "mp4", "codec": "h264" } }
        }
        """;

    /// <summary>The template's problems, one sentence each (empty = usable).</summary>
    public static IReadOnlyList<string> Problems(string template)
    {
        var problems = new List<string>();
        JsonObject? root;
        try { root = JsonNode.Parse(template) as JsonObject; }
        catch (JsonException e) { return [$"The template is not valid JSON: {e.Message}"]; }
        if (root is null || root.Count == 0) return ["The template must be a JSON object of nodes in ComfyUI's API format: {\"1\": {\"class_type\": ..., \"inputs\": {...}}, ...}."];
        var used = new HashSet<string>();
        foreach (var (id, node) in root)
        {
            if (node is not JsonObject n || n["class_type"]?.GetValueKind() != JsonValueKind.String || n["inputs"] is not JsonObject inputs)
            {
                problems.Add($"Node \"{id}\" needs a \"class_type\" string and an \"inputs\" object (ComfyUI's API format, not the UI's saved workflow).");
                continue;
            }
            foreach (var (_, value) in inputs)
                if (PlaceholderName(value) is { } name)
                {
                    if (!Placeholders.Contains(name)) problems.Add($"Node \"{id}\" uses {{{{{name}}}}}, which SonicWeb does not fill; known: {string.Join(", ", Placeholders.Select(p => "{{" + p + "}}"))}.");
                    used.Add(name);
                }
        }
        foreach (var name in Required.Where(r => !used.Contains(r)))
            problems.Add($"The template never uses {{{{{name}}}}}: the job's {name} would not reach the workflow.");
        return problems;
    }

    /// <summary>The workflow for one job. Throws invalid_parameter naming the template's problems.</summary>
    public static JsonObject Build(string template, SonicWorkflowInputs inputs)
    {
        var problems = Problems(template);
        if (problems.Count > 0)
            throw new SonicEngineException(EngineErrorCodes.InvalidParameter, "The ComfyUI workflow template is unusable: " + string.Join(" ", problems));
        var values = new Dictionary<string, JsonNode>
        {
            ["image"] = inputs.Image,
            ["audio"] = inputs.Audio,
            ["min_resolution"] = inputs.MinResolution,
            ["duration"] = Math.Round(inputs.Duration, 3),
            ["expand_ratio"] = inputs.ExpandRatio,
            ["seed"] = inputs.Seed,
            ["inference_steps"] = inputs.InferenceSteps,
            ["dynamic_scale"] = inputs.DynamicScale,
            ["fps"] = inputs.Fps,
            ["filename_prefix"] = inputs.FilenamePrefix,
        };
        var root = (JsonObject)JsonNode.Parse(template)!;
        foreach (var (_, node) in root)
        {
            var nodeInputs = (JsonObject)node!["inputs"]!;
            foreach (var key in nodeInputs.Select(p => p.Key).ToList())
                if (PlaceholderName(nodeInputs[key]) is { } name) nodeInputs[key] = values[name].DeepClone();
        }
        return root;
    }

    /// <summary>node id -> class_type, to name the stage a running node belongs to.</summary>
    public static Dictionary<string, string> NodeClasses(JsonObject workflow) =>
        workflow.ToDictionary(p => p.Key, p => p.Value?["class_type"]?.GetValue<string>() ?? "");

    /// <summary>
    /// The seed sent to Sonic: its sampler treats 0 as "no seed", so an unset seed or 0 becomes a
    /// random one in 1..int.MaxValue, which the job records so it can be repeated.
    /// </summary>
    public static long SeedFor(int? requested) => requested is > 0 ? requested.Value : Random.Shared.Next(1, int.MaxValue);

    private static string? PlaceholderName(JsonNode? value)
    {
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String) return null;
        var s = v.GetValue<string>().Trim();
        return s.Length > 4 && s.StartsWith("{{", StringComparison.Ordinal) && s.EndsWith("}}", StringComparison.Ordinal)
            ? s[2..^2].Trim().ToLower(CultureInfo.InvariantCulture) : null;
    }
}

/// <summary>Where the backend reads the workflow template: the database in the web app (Admin > Backends), the shipped one elsewhere.</summary>
public interface ISonicWorkflowTemplates
{
    Task<string> GetAsync(CancellationToken ct);
}

public sealed class ShippedSonicWorkflowTemplate : ISonicWorkflowTemplates
{
    public Task<string> GetAsync(CancellationToken ct) => Task.FromResult(SonicWorkflow.DefaultTemplate);
}
