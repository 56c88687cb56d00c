using System.Text.Json;
using System.Text.Json.Serialization;

namespace SonicWeb.Jobs.Transport;

/// <summary>
/// Job events as JSON for the trip between nodes: the envelope names the event's type ("progress",
/// "status", "finished") so the receiver rebuilds the same record, and the node that published it so
/// that node skips its own copy (its local watchers were told already).
/// </summary>
public static class JobEventJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private sealed record Envelope(string Node, JobEvent Event);

    public static byte[] Serialize(JobEvent e, string node) => JsonSerializer.SerializeToUtf8Bytes(new Envelope(node, e), Options);

    /// <summary>The event and the node that published it; throws JsonException for anything else.</summary>
    public static (JobEvent Event, string Node) Deserialize(ReadOnlySpan<byte> json)
    {
        var envelope = JsonSerializer.Deserialize<Envelope>(json, Options) ?? throw new JsonException("empty job event");
        return (envelope.Event ?? throw new JsonException("job event without its event"), envelope.Node);
    }
}
