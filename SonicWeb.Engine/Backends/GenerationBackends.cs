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

    public bool TryGet(string name, out IGenerationBackend backend) => _byName.TryGetValue(name, out backend!);

    /// <summary>The backend called <paramref name="name"/>; an unknown name is invalid_parameter naming the backends there are.</summary>
    public IGenerationBackend Get(string name) => TryGet(name, out var backend) ? backend
        : throw new SonicEngineException(EngineErrorCodes.InvalidParameter, $"backend is '{name}'; it must be one of {Names}.");
}
