namespace SonicWeb.Engine.Backends;

/// <summary>
/// Whether a backend can take a job now, in words for the pages and /health, with details (per host:
/// state, GPU, free memory, jobs running). Backends that depend on something outside this process
/// (a ComfyUI host) implement <see cref="IBackendHealth"/>; the others are always available.
/// </summary>
/// <param name="Configured">false: the installation has not set this backend up (no host); not a fault.</param>
public sealed record BackendHealth(bool Available, string Summary, IReadOnlyDictionary<string, object>? Details = null, bool Configured = true)
{
    public static readonly BackendHealth InProcess = new(true, "runs in this process");
}

public interface IBackendHealth
{
    /// <summary>Cheap enough for a page load: implementations cache the remote answer for a few seconds.</summary>
    Task<BackendHealth> CheckHealthAsync(CancellationToken ct = default);
}

/// <summary>
/// One backend as the new-video page's picker and /health show it: what it is (name, title,
/// parameters honoured and why the others are not, limits), whether it is the default, and whether it
/// can take a job now (and if not, why).
/// </summary>
public sealed record BackendStatus(BackendDescription Description, bool IsDefault, BackendHealth Health)
{
    public string Name => Description.Name;
    public bool Available => Health.Available;

    /// <summary>Null when the backend honours <paramref name="parameter"/>; else the sentence the page shows beside the disabled field.</summary>
    public string? WhyNotHonoured(string parameter) => Description.Honours(parameter) ? null
        : Description.NotHonouredBecause.GetValueOrDefault(parameter) ?? $"The {Description.Title} backend does not use {parameter}.";
}
