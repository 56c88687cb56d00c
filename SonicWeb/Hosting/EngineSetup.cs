using Microsoft.Extensions.Options;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Backends.BuiltIn;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Models;
using SonicWeb.Engine.Onnx;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Hosting;

/// <summary>
/// The engine as services, the same way for the web app and the command-line verbs: its options from
/// the "Engine" section (e.g. Engine__EncoderPreset or Engine__Limits__MaxAudioSeconds in the
/// environment), validated at start; the model store and the analysis models, loaded once; the table
/// of ffmpeg processes, whose disposal at shutdown kills what still runs; the shared input analyser and
/// estimator; and the generation backends by name (Backends:Default picks the one new jobs use).
/// </summary>
public static class EngineSetup
{
    public const string Section = "Engine";

    public static IServiceCollection AddSonicEngine(this IServiceCollection services)
    {
        services.AddSingleton<FfmpegProcessTable>();
        services.AddValidatedOptions<EngineOptions, EngineOptionsValidator>(Section)
            .PostConfigure<FfmpegProcessTable>((o, processes) => o.Ffmpeg.Processes = processes);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<EngineOptions>>().Value);
        services.AddValidatedOptions<BackendOptions, BackendOptionsValidator>(BackendOptions.Section);

        services.AddSingleton(sp => new ModelStore(sp.GetRequiredService<EngineOptions>().ModelsDirectory is { Length: > 0 } folder ? folder : null));
        services.AddSingleton(_ => new OrtRuntime()); // owns the ONNX sessions; the container disposes it at shutdown
        services.AddSingleton(sp =>
        {
            var log = sp.GetRequiredService<ILogger<AnalysisModels>>();
            // Loaded now so the first job does not wait; a model that is missing or corrupt does not stop the app:
            // /health names it, jobs fail with model_missing, and the first job after it is restored loads it.
            var models = AnalysisModels.LoadOnFirstUse(sp.GetRequiredService<ModelStore>(), sp.GetRequiredService<OrtRuntime>(),
                sp.GetRequiredService<EngineOptions>().Onnx, w => log.LogWarning("{Warning}", w));
            try { models.EnsureLoaded(); }
            catch (SonicEngineException e) { log.LogError("The analysis models could not be loaded; jobs fail until this is fixed: {Problem}", e.Message); }
            return models;
        });
        services.AddSingleton<TimeEstimator>();
        services.AddSingleton<InputAnalyser>();
        services.AddSingleton(sp => new BuiltInBackend(sp.GetRequiredService<EngineOptions>(), sp.GetRequiredService<InputAnalyser>(),
            sp.GetRequiredService<AnalysisModels>(), sp.GetRequiredService<TimeEstimator>()));
        services.AddSingleton<IGenerationBackend>(sp => sp.GetRequiredService<BuiltInBackend>());
        services.AddComfyUISonicBackend();
        services.AddSingleton(sp => new GenerationBackends(sp.GetServices<IGenerationBackend>(),
            sp.GetRequiredService<IOptions<BackendOptions>>().Value.Default, sp.GetRequiredService<TimeEstimator>()));
        return services;
    }

    /// <summary>Configuration for CLI runs: appsettings.json beside the program, then environment variables.</summary>
    public static IConfiguration CliConfiguration() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables()
        .Build();
}
