using System.Text.Json;
using System.Text.Json.Serialization;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Jobs;

/// <summary>Stores <see cref="GenerationParameters"/> as JSON with the API's parameter names (min_resolution, ...).</summary>
public static class JobParameters
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Serialize(GenerationParameters p) => JsonSerializer.Serialize(p, Json);

    public static GenerationParameters Deserialize(string json) =>
        JsonSerializer.Deserialize<GenerationParameters>(json, Json) ?? new GenerationParameters();

    /// <summary>The parameters as a JSON object, for API responses.</summary>
    public static JsonElement AsElement(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
