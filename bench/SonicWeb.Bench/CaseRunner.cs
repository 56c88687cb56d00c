using System.Text.Json;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Bench;

/// <summary>The child side: runs one case and prints its <see cref="CaseResult"/> as one marked JSON line.</summary>
public static class CaseRunner
{
    public const string ResultMarker = "BENCH-RESULT ";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // ">=" stays readable
    };

    public static async Task<int> RunAsync(BenchOptions o)
    {
        // Started first, so the peaks cover everything the case does (model loading included).
        using var memory = new MemoryWatch();
        var result = o.Case switch
        {
            "pipeline" => await PipelineCase.RunAsync(o),
            "render" => await RenderCase.RunAsync(o),
            "encode" => await EncodeCase.RunAsync(o),
            "models" => await ModelTimingCase.RunAsync(o),
            "startup" => await StartupCase.RunAsync(o),
            "sampler" => await SamplerCase.RunAsync(o),
            _ => throw new ArgumentException($"Unknown case '{o.Case}'."),
        };
        result = result with { Memory = memory.Finish() };
        Console.Out.WriteLine(ResultMarker + JsonSerializer.Serialize(result, Json));
        return 0;
    }

    /// <summary>The parameters every case uses, so all cases render the same video.</summary>
    public static GenerationParameters Parameters(int resolution) => new() { MinResolution = resolution, Seed = 1 };

    public static string Require(string? value, string name) =>
        value ?? throw new ArgumentException($"The case needs --{name}.");
}
