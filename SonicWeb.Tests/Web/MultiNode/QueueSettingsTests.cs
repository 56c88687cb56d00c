namespace SonicWeb.Tests.Web.MultiNode;

/// <summary>A wrong Queue:* setting stops the app at start with a message naming the setting and what it must be.</summary>
[Collection(WebCollection.Name)]
public sealed class QueueSettingsTests
{
    [Theory]
    [InlineData("Kafka", "amqp://127.0.0.1/", "Queue:Transport is 'Kafka'; it must be InProcess or RabbitMq")]
    [InlineData("RabbitMq", "", "Queue:RabbitMq:Uri must be an amqp:// or amqps:// address")]
    [InlineData("RabbitMq", "http://127.0.0.1:5672/", "Queue:RabbitMq:Uri must be an amqp:// or amqps:// address")]
    public void A_wrong_queue_setting_stops_the_start_with_its_name(string transport, string uri, string expected)
    {
        var e = Assert.ThrowsAny<Exception>(() => new WebTestHost(settings: new() { ["Queue:Transport"] = transport, ["Queue:RabbitMq:Uri"] = uri }));
        // The start may fail with more than one error (a background service that had started meets the disposed
        // services as the host shuts down): the setting's message must be among them.
        var messages = string.Join("\n", Messages(e));
        Assert.Contains(expected, messages);
    }

    private static IEnumerable<string> Messages(Exception e)
    {
        yield return e.Message;
        var inner = e is AggregateException all ? all.InnerExceptions : e.InnerException is { } one ? [one] : [];
        foreach (var child in inner)
            foreach (var message in Messages(child)) yield return message;
    }
}
