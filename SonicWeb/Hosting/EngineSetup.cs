using SonicWeb.Engine.Models;
using SonicWeb.Engine.Onnx;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Hosting;

/// <summary>
/// Builds the engine from configuration (section "Engine", e.g. Engine__EncoderPreset or
/// Engine__Limits__MaxAudioSeconds in the environment). The CLI and the web app share it.
/// </summary>
public static class EngineSetup
{
    public const string Section = "Engine";

    public static EngineOptions BindOptions(IConfiguration configuration)
    {
        var options = new EngineOptions();
        configuration.GetSection(Section).Bind(options);
        return options;
    }

    /// <summary>A pipeline whose ONNX sessions belong to <paramref name="onnx"/> (the caller disposes it).</summary>
    public static GenerationPipeline CreatePipeline(IConfiguration configuration, OrtRuntime onnx, Action<string>? warn = null)
    {
        var options = BindOptions(configuration);
        var models = AnalysisModels.Load(ModelStore.Default, onnx, options.Onnx, warn);
        return new GenerationPipeline(options, models);
    }

    /// <summary>Configuration for CLI runs: appsettings.json beside the program, then environment variables.</summary>
    public static IConfiguration CliConfiguration() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables()
        .Build();
}
