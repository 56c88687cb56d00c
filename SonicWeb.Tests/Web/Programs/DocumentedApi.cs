using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Sdk;

namespace SonicWeb.Tests.Web.Programs;

/// <summary>
/// The served OpenAPI document, used as a generated client would use it: each call is checked against the
/// operation's declared answers (status, content type, and a JSON body validated against the declared
/// schema: required properties present, every property declared, JSON types, enums, date-times), and the
/// operations called are recorded so a test can demand that every documented operation was tried.
/// </summary>
public sealed class DocumentedApi
{
    private readonly HashSet<string> _covered = [];

    private DocumentedApi(JsonElement document) => Document = document;

    public JsonElement Document { get; }

    public static async Task<DocumentedApi> LoadAsync(HttpClient anonymous) =>
        new(await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json"));

    /// <summary>"METHOD /path/{template}" for every operation in the document.</summary>
    public IReadOnlyList<string> Operations =>
        [.. Document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}"))];

    /// <summary>Operations called at least once, with their documented success answer among them.</summary>
    public IReadOnlyCollection<string> Covered => _covered;

    public List<string> Calls { get; } = [];

    /// <summary>Makes the call and checks the answer against the document; returns the JSON body (or null).</summary>
    public async Task<JsonElement?> CheckAsync(HttpClient client, HttpMethod method, string template, string path, HttpContent? content, int expected)
    {
        using var response = await client.SendAsync(new HttpRequestMessage(method, path) { Content = content });
        var body = await response.Content.ReadAsByteArrayAsync();
        var where = $"{method} {path}";
        Assert.True((int)response.StatusCode == expected, $"{where}: {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
        Assert.True(Document.GetProperty("paths").TryGetProperty(template, out var item), $"the document lacks {template}");
        Assert.True(item.TryGetProperty(method.Method.ToLowerInvariant(), out var operation), $"the document lacks {method} {template}");
        Assert.True(operation.GetProperty("responses").TryGetProperty(expected.ToString(CultureInfo.InvariantCulture), out var declared),
            $"{method} {template} answered {expected}, which the document does not declare");
        Calls.Add($"{method} {template} {expected}");
        if (expected < 300) _covered.Add($"{method.Method} {template}");

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (body.Length == 0 || mediaType is null) return null;
        JsonElement media = default;
        Assert.True(declared.TryGetProperty("content", out var contentTypes) && contentTypes.TryGetProperty(mediaType, out media),
            $"{where} {expected}: {mediaType} is not declared");
        if (!mediaType.Contains("json", StringComparison.Ordinal)) return null;
        var answer = JsonDocument.Parse(body).RootElement.Clone();
        Assert.True(media.TryGetProperty("schema", out var schema), $"{where} {expected}: no schema for {mediaType}");
        AssertFits(schema, answer, $"{where} {expected}");
        return answer;
    }

    /// <summary>The value validates against the schema (the subset of JSON Schema the generator writes).</summary>
    public void AssertFits(JsonElement schema, JsonElement value, string where)
    {
        schema = Resolve(schema);
        if (schema.ValueKind == JsonValueKind.True) return;
        if (schema.TryGetProperty("allOf", out var all))
            foreach (var part in all.EnumerateArray()) AssertFits(part, value, where);
        foreach (var combinator in new[] { "anyOf", "oneOf" })
            if (schema.TryGetProperty(combinator, out var choices))
                Assert.True(choices.EnumerateArray().Any(c => Fits(c, value, where)), $"{where}: {value} fits none of the {combinator} schemas");

        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            Assert.True(types.Any(t => IsOfType(value, t)), $"{where}: {value.ValueKind} '{Short(value)}' is not {string.Join(" | ", types)}");
        }
        if (schema.TryGetProperty("enum", out var values) && value.ValueKind != JsonValueKind.Null)
            Assert.True(values.EnumerateArray().Any(v => v.GetRawText() == value.GetRawText()), $"{where}: {value} is not one of {values}");
        if (value.ValueKind == JsonValueKind.String && schema.TryGetProperty("format", out var format) && format.GetString() == "date-time")
            Assert.True(DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, out _), $"{where}: '{value}' is not a date-time");

        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            int i = 0;
            foreach (var item in value.EnumerateArray()) AssertFits(items, item, $"{where}[{i++}]");
        }
        if (value.ValueKind != JsonValueKind.Object) return;
        if (schema.TryGetProperty("required", out var required))
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                Assert.True(value.TryGetProperty(name, out _), $"{where}: the required '{name}' is missing");
        var declared = schema.TryGetProperty("properties", out var p) ? p : default;
        var extra = schema.TryGetProperty("additionalProperties", out var a) ? a : default;
        bool anyProperties = declared.ValueKind == JsonValueKind.Object || extra.ValueKind != JsonValueKind.Undefined;
        foreach (var property in value.EnumerateObject())
        {
            if (declared.ValueKind == JsonValueKind.Object && declared.TryGetProperty(property.Name, out var propertySchema))
                AssertFits(propertySchema, property.Value, $"{where}.{property.Name}");
            else if (extra.ValueKind is JsonValueKind.Object or JsonValueKind.True)
                AssertFits(extra, property.Value, $"{where}.{property.Name}");
            else if (anyProperties)
                Assert.Fail($"{where}: '{property.Name}' is not in the schema (has {(declared.ValueKind == JsonValueKind.Object ? string.Join(", ", declared.EnumerateObject().Select(d => d.Name)) : "none")})");
        }
    }

    private bool Fits(JsonElement schema, JsonElement value, string where)
    {
        try { AssertFits(schema, value, where); return true; }
        catch (XunitException) { return false; }
    }

    private static bool IsOfType(JsonElement value, string type) => type switch
    {
        "null" => value.ValueKind == JsonValueKind.Null,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        _ => false,
    };

    private static string Short(JsonElement value) => value.GetRawText() is { Length: > 80 } text ? text[..80] + "..." : value.GetRawText();

    /// <summary>Follows "$ref" JSON pointers inside the document (e.g. #/components/schemas/JobView).</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            var pointer = reference.GetString()!;
            Assert.StartsWith("#/", pointer);
            var target = Document;
            foreach (var segment in pointer[2..].Split('/'))
            {
                var name = segment.Replace("~1", "/").Replace("~0", "~");
                Assert.True(target.TryGetProperty(name, out target), $"the reference {pointer} leads nowhere");
            }
            schema = target;
        }
        return schema;
    }
}
