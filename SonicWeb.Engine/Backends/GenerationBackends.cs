using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Engine.Backends;

/// <summary>
/// The backends this installation has, by name, and the one new jobs use unless they ask for another.
/// Registering a backend also gives the shared <see cref="TimeEstimator"/> its prior, so estimates for
/// it are sensible before it has finished any job.
/// </summary>
public sealed class GenerationBackends
{
    private readonly Dictionary<string, IGenerationBackend> _byName = new(StringComparer.OrdinalIgnoreCase);

    public GenerationBackends(IEnumerable<IGenerationBackend> backends, string defaultName, TimeEstimator estimator)
    {
        foreach (var backend in backends)
        {
            if (!_byName.TryAdd(backend.Description.Name, backend))
                throw new ArgumentException($"Two backends are named '{backend.Description.Name}'.", nameof(backends));
            estimator.RegisterPrior(backend.Description.Name, backend.Description.EstimatePrior);
        }
        All = _byName.Values.ToList();
        Default = _byName.GetValueOrDefault(defaultName)
            ?? throw new ArgumentException($"The default backend '{defaultName}' is not one of the registered backends ({Names}).", nameof(defaultName));
    }

    public IGenerationBackend Default { get; }

    public IReadOnlyList<IGenerationBackend> All { get; }

    /// <summary>The registered names, for messages: "builtin, comfyui-sonic".</summary>
    public string Names => string.Join(", ", _byName.Keys);

    /// <summary>
    /// The parameter defaults of the backend a job names (null or blank: the default backend); none for a name that is
    /// not a backend (the submission refuses that name itself, with the list of names).
    /// </summary>
    public IReadOnlyDictionary<string, string> ParameterDefaultsFor(string? name) =>
        string.IsNullOrWhiteSpace(name) ? Default.Description.ParameterDefaults
        : TryGet(name.Trim(), out var backend) ? backend.Description.ParameterDefaults
        : new Dictionary<string, string>();

    public bool TryGet(string name, out IGenerationBackend backend) => _byName.TryGetValue(name, out backend!);

    /// <summary>
    /// Every backend with its description and whether it can take a job now (checked in parallel; a
    /// backend without <see cref="IBackendHealth"/> runs in process and is always available). The new
    /// video page lists the available ones; /health shows them all.
    /// </summary>
    public async Task<IReadOnlyList<BackendStatus>> StatusAsync(CancellationToken ct = default)
    {
        var checks = All.Select(async b => new BackendStatus(b.Description, ReferenceEquals(b, Default),
            b is IBackendHealth h ? await h.CheckHealthAsync(ct) : BackendHealth.InProcess));
        return await Task.WhenAll(checks);
    }

    /// <summary>The backends that can take a job now.</summary>
    public async Task<IReadOnlyList<BackendStatus>> AvailableAsync(CancellationToken ct = default)
        => (await StatusAsync(ct)).Where(s => s.Available).ToList();

    /// <summary>The backend called <paramref name="name"/>; an unknown name is invalid_parameter naming the backends there are.</summary>
    public IGenerationBackend Get(string name) => TryGet(name, out var backend) ? backend
        : throw new SonicEngineException(EngineErrorCodes.InvalidParameter, $"backend is '{name}'; it must be one of {Names}.");
}
