using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace SonicWeb.Tests.Web;

/// <summary>
/// An API client of the public hub /hubs/jobs through Microsoft's SignalR client (WebSockets, JSON protocol), signed in
/// with the sign-in cookie or an API key. Every server message ("progress", "status") lands in <see cref="Messages"/>
/// in the order received, with its target.
/// </summary>
public sealed class JobsHubClient : IAsyncDisposable
{
    private readonly Channel<(string Target, JsonElement Payload)> _messages = Channel.CreateUnbounded<(string, JsonElement)>();

    private JobsHubClient(HubConnection connection)
    {
        Connection = connection;
        foreach (var target in new[] { "progress", "status" })
            connection.On<JsonElement>(target, payload => _messages.Writer.TryWrite((target, payload)));
        connection.Closed += _ => { _messages.Writer.TryComplete(); return Task.CompletedTask; };
    }

    public HubConnection Connection { get; }

    public ChannelReader<(string Target, JsonElement Payload)> Messages => _messages.Reader;

    public static async Task<JobsHubClient> ConnectAsync(Uri baseAddress, CookieContainer? cookies = null, string? apiKey = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "/hubs/jobs"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                if (cookies != null) o.Cookies = cookies;
                if (apiKey != null) o.Headers["X-Api-Key"] = apiKey;
            })
            .Build();
        var client = new JobsHubClient(connection);
        await connection.StartAsync();
        return client;
    }

    /// <summary>Join(jobId): the job's current state; a refusal throws HubException with the hub's message.</summary>
    public Task<JsonElement> JoinAsync(string jobId) => Connection.InvokeAsync<JsonElement>("Join", jobId).WaitAsync(TimeSpan.FromSeconds(10));

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
