using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Hosting;

/// <summary>The engine's own checks (<see cref="EngineOptions.Problems"/>), with each setting named by its key under "Engine".</summary>
public sealed class EngineOptionsValidator : OptionsValidator<EngineOptions>
{
    public override IEnumerable<string> Problems(EngineOptions o) => o.Problems().Select(p => EngineSetup.Section + ":" + p);
}
