namespace SonicWeb.Engine.Backends.ComfyUI;

/// <summary>
/// The "comfyui-sonic" backend's settings (configuration section Backends:ComfyUI): the ComfyUI hosts
/// that run the ComfyUI_Sonic nodes, and how patiently SonicWeb talks to them.
/// </summary>
public sealed class ComfyUIOptions
{
    /// <summary>The GPU boxes, tried in order; each takes at most <see cref="ComfyUIHostOptions.Slots"/> of our jobs at once.</summary>
    public List<ComfyUIHostOptions> Hosts { get; set; } = [];

    /// <summary>A host's health (GET /system_stats) is reused for this long.</summary>
    public double HealthCacheSeconds { get; set; } = 10;

    /// <summary>Timeout of one request to a host (uploads and downloads have <see cref="TransferTimeoutSeconds"/>).</summary>
    public double RequestTimeoutSeconds { get; set; } = 10;

    public double TransferTimeoutSeconds { get; set; } = 300;

    /// <summary>After the progress socket drops, SonicWeb reconnects every this many seconds...</summary>
    public double ReconnectDelaySeconds { get; set; } = 1;

    /// <summary>...for at most this long before the job fails as backend_unavailable.</summary>
    public double ReconnectGiveUpSeconds { get; set; } = 120;

    /// <summary>
    /// While our prompt waits in a ComfyUI host's own queue (behind other users' prompts), how often GET /queue is
    /// asked for its position, shown as the job's stage ("waiting on GPU host: 2 ahead").
    /// </summary>
    public double QueuePollSeconds { get; set; } = 2;

    /// <summary>Longest recording the remote backend takes (Sonic's memory grows with the clip).</summary>
    public double MaxAudioSeconds { get; set; } = 60;

    /// <summary>Output short side range Sonic supports here (its node accepts 128..2048 in steps of 64).</summary>
    public int MinResolution { get; set; } = 256;

    public int MaxResolution { get; set; } = 1024;

    /// <summary>
    /// Pre-flight: a job needs about FreeGpuBaseBytes + FreeGpuBytesPerMegapixelSecond x (short side
    /// squared in megapixels) x video seconds of free GPU memory on the host; 0 turns the check off.
    /// </summary>
    public long FreeGpuBaseBytes { get; set; } = 6L << 30;

    public long FreeGpuBytesPerMegapixelSecond { get; set; } = 256L << 20;

    public IEnumerable<string> Problems()
    {
        for (int i = 0; i < Hosts.Count; i++)
        {
            var h = Hosts[i];
            if (!Uri.TryCreate(h.Url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                yield return $"Backends:ComfyUI:Hosts:{i}:Url is '{h.Url}'; it must be an http(s) address such as http://gpu-box:8188.";
            if (h.Slots < 1) yield return $"Backends:ComfyUI:Hosts:{i}:Slots is {h.Slots}; it must be at least 1.";
        }
        if (MinResolution < 128 || MaxResolution < MinResolution)
            yield return $"Backends:ComfyUI:MinResolution/MaxResolution are {MinResolution}/{MaxResolution}; they must satisfy 128 <= min <= max.";
        if (MaxAudioSeconds <= 0) yield return $"Backends:ComfyUI:MaxAudioSeconds is {MaxAudioSeconds}; it must be above 0.";
        if (RequestTimeoutSeconds <= 0 || TransferTimeoutSeconds <= 0) yield return "Backends:ComfyUI:RequestTimeoutSeconds and TransferTimeoutSeconds must be above 0.";
        if (ReconnectDelaySeconds <= 0 || ReconnectGiveUpSeconds < ReconnectDelaySeconds)
            yield return "Backends:ComfyUI:ReconnectDelaySeconds must be above 0 and ReconnectGiveUpSeconds at least as long.";
        if (!(QueuePollSeconds > 0)) yield return $"Backends:ComfyUI:QueuePollSeconds is {QueuePollSeconds}; it must be above 0.";
    }
}

/// <summary>One ComfyUI server: its address, how many of our jobs it runs at once, and extra headers (an auth token).</summary>
public sealed class ComfyUIHostOptions
{
    public string Url { get; set; } = "";

    public int Slots { get; set; } = 1;

    /// <summary>Sent with every request and the WebSocket handshake, e.g. Headers:Authorization = "Bearer ...".</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
