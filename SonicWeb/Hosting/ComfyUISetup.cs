using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using SonicWeb.Backends;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Backends.BuiltIn;
using SonicWeb.Engine.Backends.ComfyUI;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Hosting;

public sealed class ComfyUIOptionsValidator : OptionsValidator<ComfyUIOptions>
{
    public override IEnumerable<string> Problems(ComfyUIOptions o) => o.Problems();
}

/// <summary>
/// The "comfyui-sonic" backend (Sonic on ComfyUI hosts, settings Backends:ComfyUI:...): its options,
/// the HttpClient it talks through (safe calls — GET /system_stats, /queue, /history, /view — are
/// retried twice by Microsoft.Extensions.Http.Resilience; POST /prompt and /upload never, so a job is
/// never queued twice), the workflow template from the database, and "backends" on /health.
/// Registered always: without a host it is listed as not configured and no job can pick it.
/// </summary>
public static class ComfyUISetup
{
    public const string Section = "Backends:ComfyUI";
    public const string HttpClientName = "comfyui";

    public static IServiceCollection AddComfyUISonicBackend(this IServiceCollection services)
    {
        services.AddValidatedOptions<ComfyUIOptions, ComfyUIOptionsValidator>(Section);
        services.AddHttpClient(HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan) // each call has its own timeout (ComfyUIOptions)
            .AddResilienceHandler("comfyui-safe-retries", pipeline =>
            {
                var retry = new HttpRetryStrategyOptions { MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(200), BackoffType = DelayBackoffType.Exponential };
                retry.DisableForUnsafeHttpMethods();
                pipeline.AddRetry(retry);
            });
        services.AddSingleton<WorkflowTemplateStore>();
        services.AddSingleton<ISonicWorkflowTemplates>(sp => sp.GetRequiredService<WorkflowTemplateStore>());
        services.AddSingleton(sp =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            return new ComfyUISonicBackend(sp.GetRequiredService<IOptions<ComfyUIOptions>>().Value, sp.GetRequiredService<EngineOptions>(),
                sp.GetRequiredService<InputAnalyser>(), sp.GetRequiredService<BuiltInBackend>(), sp.GetRequiredService<TimeEstimator>(),
                sp.GetRequiredService<ISonicWorkflowTemplates>(), () => factory.CreateClient(HttpClientName));
        });
        services.AddSingleton<IGenerationBackend>(sp => sp.GetRequiredService<ComfyUISonicBackend>());
        services.AddHealthChecks().AddCheck<BackendsHealthCheck>("backends");
        return services;
    }
}
