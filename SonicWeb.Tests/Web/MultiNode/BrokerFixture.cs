using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Web.MultiNode;

/// <summary>
/// One RabbitMQ node and one Redis server for the whole multi-node test class (RabbitMQ takes seconds to
/// start). Each test isolates itself with its own Queue:RabbitMq:Prefix, so queues never mix.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    public RabbitMqServer Rabbit { get; private set; } = default!;
    public RedisServer Redis { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        var rabbit = RabbitMqServer.StartNewAsync();
        var redis = RedisServer.StartNewAsync();
        (Rabbit, Redis) = (await rabbit, await redis);
    }

    public async Task DisposeAsync()
    {
        if (Redis is not null) await Redis.DisposeAsync();
        if (Rabbit is not null) await Rabbit.DisposeAsync();
    }
}
