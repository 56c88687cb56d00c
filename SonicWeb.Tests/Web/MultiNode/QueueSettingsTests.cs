using Microsoft.Extensions.Options;

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
        var message = e is OptionsValidationException ? e.Message : e.InnerException?.Message ?? e.Message;
        Assert.Contains(expected, message);
    }
}
