using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace SonicWeb.Hubs;

/// <summary>
/// The public hub across web nodes: with Redis:Configuration set (a StackExchange.Redis configuration
/// string, e.g. "127.0.0.1:6379"), SignalR sends group and user messages through Redis pub/sub, so a client
/// connected to any node receives them. Empty (the default): no backplane, one node.
/// If Redis goes down, messages sent meanwhile are lost (SignalR does not buffer them) and the client
/// library reconnects; job pages and API callers still read the truth from the job row.
/// </summary>
public static class SignalRBackplane
{
    public const string Setting = "Redis:Configuration";

    public static bool IsConfigured(IConfiguration config) => !string.IsNullOrWhiteSpace(config[Setting]);

    public static ISignalRServerBuilder AddSonicBackplane(this ISignalRServerBuilder signalR, IConfiguration config)
    {
        if (!IsConfigured(config)) return signalR;
        // One channel prefix per installation, so two installations can share a Redis server.
        return signalR.AddStackExchangeRedis(config[Setting]!, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("sonicweb"));
    }
}
