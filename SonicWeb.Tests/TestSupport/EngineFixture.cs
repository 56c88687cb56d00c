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
        Pipeline = new GenerationPipeline(Options, Models);
    }

    public EngineOptions Options { get; }
    public AnalysisModels Models { get; }
    public GenerationPipeline Pipeline { get; }

    /// <summary>A pipeline with other options (limits, encoder) sharing the loaded models.</summary>
    public GenerationPipeline With(Action<EngineOptions> configure)
    {
        var options = new EngineOptions();
        configure(options);
        return new GenerationPipeline(options, Models);
    }
}

[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<EngineFixture>
{
    public const string Name = "engine";
}
