using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SonicWeb.Jobs.Running;
using SonicWeb.Jobs.Transport;

namespace SonicWeb.Tests.Web.MultiNode;

/// <summary>
/// Two app instances (real Kestrel each) sharing one SQLite file and storage root, and one RabbitMQ broker
/// under a prefix of their own. A "web" node has no generation worker (it never takes job messages);
/// every event each node's <see cref="IJobEvents"/> delivers is recorded per node.
/// </summary>
public sealed class TwoNodes : IDisposable
{
    public WebTestHost A { get; }
    public WebTestHost B { get; }
    public string Prefix { get; } = "t" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Events each node's subscribers received, in order (node name -> events).</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<JobEvent>> Received { get; } = new();

    private readonly List<IDisposable> _subscriptions = [];

    public TwoNodes(BrokerFixture brokers, bool aRunsJobs = true, bool bRunsJobs = true, Dictionary<string, string>? settings = null, bool redis = false)
    {
        var common = new Dictionary<string, string>(settings ?? [])
        {
            ["Queue:Transport"] = "RabbitMq",
            ["Queue:RabbitMq:Uri"] = brokers.Rabbit.Uri,
            ["Queue:RabbitMq:Prefix"] = Prefix,
            ["Queue:RabbitMq:ReannounceSeconds"] = "1",
            ["Queue:RabbitMq:ReannounceAfterSeconds"] = "1",
            ["Jobs:ReuseIdenticalOutputs"] = "false",
        };
        if (redis) common["Redis:Configuration"] = brokers.Redis.Configuration;
        A = new WebTestHost(settings: common, services: aRunsJobs ? null : WithoutWorker);
        B = new WebTestHost(root: A.Root, settings: common, services: bRunsJobs ? null : WithoutWorker);
        Watch("A", A);
        Watch("B", B);
    }

    /// <summary>A web node: the generation worker is not started, so this node never takes a job message.</summary>
    private static void WithoutWorker(IServiceCollection services)
    {
        var worker = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(GenerationWorker));
        services.Remove(worker);
    }

    private void Watch(string name, WebTestHost host)
    {
        var queue = Received.GetOrAdd(name, _ => new ConcurrentQueue<JobEvent>());
        _subscriptions.Add(host.Services.GetRequiredService<IJobEvents>().Subscribe(null, e => { queue.Enqueue(e); return Task.CompletedTask; }));
    }

    public IEnumerable<JobEvent> EventsOf(string node, string jobId) => Received[node].Where(e => e.JobId == jobId);

    public void Dispose()
    {
        foreach (var s in _subscriptions) s.Dispose();
        B.Dispose();
        A.Dispose();
        try { Directory.Delete(A.Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
