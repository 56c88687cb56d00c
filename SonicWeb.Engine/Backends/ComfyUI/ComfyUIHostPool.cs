using SonicWeb.Engine.Errors;

namespace SonicWeb.Engine.Backends.ComfyUI;

/// <summary>
/// The configured ComfyUI hosts with their health (GET /system_stats, cached for HealthCacheSeconds) and
/// their slots. A job takes a slot on a healthy host for its whole run, so jobs wait in SonicWeb's queue,
/// never in ComfyUI's; when the first host is down, the next healthy one takes the job.
/// </summary>
public sealed class ComfyUIHostPool
{
    private readonly ComfyUIOptions _options;
    private readonly List<HostState> _hosts;

    public ComfyUIHostPool(ComfyUIOptions options, Func<HttpClient> http)
    {
        _options = options;
        _hosts = options.Hosts.Select(h => new HostState(new ComfyUIClient(http, h, options), h.Slots)).ToList();
    }

    public IReadOnlyList<HostState> Hosts => _hosts;

    /// <summary>Every host's state, refreshing answers older than HealthCacheSeconds.</summary>
    public async Task<IReadOnlyList<HostHealth>> CheckAsync(CancellationToken ct)
        => await Task.WhenAll(_hosts.Select(h => h.CheckAsync(TimeSpan.FromSeconds(_options.HealthCacheSeconds), ct)));

    /// <summary>
    /// A slot on the healthy host with the most free slots, waiting while every healthy host is busy.
    /// No healthy host: backend_unavailable naming each host's problem.
    /// </summary>
    public async Task<HostLease> AcquireAsync(CancellationToken ct)
    {
        if (_hosts.Count == 0)
            throw new SonicEngineException(EngineErrorCodes.BackendUnavailable, "No ComfyUI host is configured (Backends:ComfyUI:Hosts:0:Url).");
        while (true)
        {
            var health = await CheckAsync(ct);
            var healthy = _hosts.Zip(health).Where(p => p.Second.Healthy).Select(p => p.First).OrderByDescending(h => h.FreeSlots).ToList();
            if (healthy.Count == 0)
                throw new SonicEngineException(EngineErrorCodes.BackendUnavailable,
                    "No ComfyUI host can take the job: " + string.Join("; ", health.Select(h => $"{h.Url}: {h.Summary}")));
            foreach (var host in healthy)
                if (host.TryTake()) return new HostLease(host);
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
    }

    /// <summary>Marks a host's cached health stale (a call to it just failed), so the next check asks again.</summary>
    public static void Suspect(HostState host) => host.Forget();

    public sealed class HostState(ComfyUIClient client, int slots)
    {
        private readonly SemaphoreSlim _slots = new(slots, slots);
        private readonly SemaphoreSlim _checking = new(1, 1);
        private (DateTime At, HostHealth Health)? _cached;

        public ComfyUIClient Client => client;
        public int Slots => slots;
        public int FreeSlots => _slots.CurrentCount;
        public int Running => slots - _slots.CurrentCount;

        internal bool TryTake() => _slots.Wait(0);
        internal void Release() => _slots.Release();
        internal void Forget() => _cached = null;

        public async Task<HostHealth> CheckAsync(TimeSpan cacheFor, CancellationToken ct)
        {
            if (_cached is { } c && DateTime.UtcNow - c.At < cacheFor) return c.Health with { Running = Running };
            await _checking.WaitAsync(ct);
            try
            {
                if (_cached is { } again && DateTime.UtcNow - again.At < cacheFor) return again.Health with { Running = Running };
                HostHealth health;
                try
                {
                    var stats = await client.GetSystemStatsAsync(ct);
                    var gpu = stats.Devices.FirstOrDefault();
                    health = new HostHealth(client.BaseUrl.ToString(), true,
                        gpu is null ? "up (no device listed)" : $"up: {gpu.Name}, {gpu.VramFree / 1048576.0 / 1024:0.0} of {gpu.VramTotal / 1048576.0 / 1024:0.0} GB free",
                        gpu?.Name, stats.FreeGpuBytes, gpu?.VramTotal ?? 0, Running, slots);
                }
                catch (SonicEngineException e)
                {
                    health = new HostHealth(client.BaseUrl.ToString(), false, "down: " + e.Message, null, 0, 0, Running, slots);
                }
                _cached = (DateTime.UtcNow, health);
                return health;
            }
            finally { _checking.Release(); }
        }
    }

    /// <summary>A slot on one host, given back when disposed.</summary>
    public sealed class HostLease(HostState host) : IDisposable
    {
        private int _released;
        public HostState Host => host;
        public ComfyUIClient Client => host.Client;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) host.Release();
        }
    }
}

/// <summary>One host as the admin page and /health show it.</summary>
public sealed record HostHealth(string Url, bool Healthy, string Summary, string? Gpu, long FreeGpuBytes, long TotalGpuBytes, int Running, int Slots);
