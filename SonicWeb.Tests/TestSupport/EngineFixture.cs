using SonicWeb.Engine.Backends.BuiltIn;
using SonicWeb.Engine.Models;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Tests.TestSupport;

/// <summary>One real engine (models loaded once) shared by the tests of a collection.</summary>
public sealed class EngineFixture
{
    public EngineFixture()
    {
        Options = new EngineOptions();
        Models = AnalysisModels.Load(ModelStore.Default, TestOnnx.Runtime, Options.Onnx);
        Backend = new BuiltInBackend(Options, Models);
    }

    public EngineOptions Options { get; }
    public AnalysisModels Models { get; }
    /// <summary>The built-in backend over the loaded models: what generates videos in the app.</summary>
    public BuiltInBackend Backend { get; }

    /// <summary>A backend with other options (limits, encoder) sharing the loaded models.</summary>
    public BuiltInBackend With(Action<EngineOptions> configure)
    {
        var options = new EngineOptions();
        configure(options);
        return new BuiltInBackend(options, Models);
    }
}

[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<EngineFixture>
{
    public const string Name = "engine";
}
