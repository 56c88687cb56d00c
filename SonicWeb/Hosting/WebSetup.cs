using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using SonicWeb.Accounts;
using SonicWeb.Api;
using SonicWeb.Batches;
using SonicWeb.Components;
using SonicWeb.Data;
using SonicWeb.Engine.Models;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Health;
using SonicWeb.Hubs;
using SonicWeb.Jobs;
using SonicWeb.Logging;
using SonicWeb.Notifications;
using SonicWeb.Reviews;
using SonicWeb.Presets;
using SonicWeb.Storage;

namespace SonicWeb.Hosting;

/// <summary>Service registration and the request pipeline of the web app, in one place.</summary>
public static class WebSetup
{
    public static void AddSonicWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        // scripts/run.sh starts the build output, not a published folder: MudBlazor's css/js and the framework's
        // blazor.web.js are then found through the build's static web assets manifest, which only Development reads
        // by itself. (In a published app the files sit in wwwroot and this finds no manifest and does nothing.)
        builder.WebHost.UseStaticWebAssets();
        services.AddOptions<StorageOptions>().Bind(config.GetSection(StorageOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Root), "Storage:Root must be set")
            .Validate(o => o.MaxUploadBytes > 0, "Storage:MaxUploadBytes must be positive")
            .ValidateOnStart();
        services.AddOptions<JobOptions>().Bind(config.GetSection(JobOptions.Section))
            .Validate(o => o.Slots is >= 1 and <= 64, "Jobs:Slots must be 1..64")
            .Validate(o => o.WatchdogMultiplier > 0 && o.WatchdogMinimumSeconds >= 0, "Jobs:WatchdogMultiplier must be positive")
            .ValidateOnStart();

        var paths = services.AddSonicStorage(config);
        builder.Logging.AddProvider(new JsonFileLoggerProvider(paths.LogsRoot));

        services.AddSingleton<EstimatorService>();
        services.AddSingleton(sp =>
        {
            var options = EngineSetup.BindOptions(config);
            var log = sp.GetRequiredService<ILogger<GenerationPipeline>>();
            var models = AnalysisModels.Load(ModelStore.Default, options.Onnx, w => log.LogWarning("{Warning}", w));
            return new GenerationPipeline(options, models, sp.GetRequiredService<EstimatorService>().Estimator);
        });
        services.AddSingleton<JobSignals>();
        services.AddSingleton<JobNotifier>();
        services.AddSingleton<JobQueries>();
        services.AddSingleton<JobService>();
        services.AddSingleton<OutputReuse>();
        services.AddSingleton<JobRunner>();
        services.AddOptions<UploadOptions>().Bind(config.GetSection(UploadOptions.Section))
            .Validate(o => o.CheckSlots >= 0 && o.SyncCheckBudgetMs >= 0 && o.SyncCheckMaxConcurrent >= 0 && o.BackgroundYieldMs >= 0, "Uploads:* settings must not be negative")
            .ValidateOnStart();
        services.AddSingleton<UploadAdmission>();
        services.AddSingleton<UploadChecker>();
        services.AddSingleton<ReviewService>();
        services.AddHostedService<StorageInitializer>(); // before the worker: hosted services start in order
        builder.AddSonicNotifications(); // email (IUserNotifications + its sender); after the storage: the outbox table must exist
        services.AddOptions<BatchOptions>().Bind(config.GetSection(BatchOptions.Section))
            .Validate(o => o.MaxItems >= 1 && o.MaxArchiveBytes > 0 && o.MaxUncompressedBytes > 0 && o.MaxArchiveEntries >= 1, "Batches: limits must be positive")
            .ValidateOnStart();
        services.AddSingleton<PresetService>();
        services.AddSingleton<BatchQueries>();
        services.AddSingleton<BatchCompletion>();
        services.AddSingleton<BatchService>();
        services.AddHostedService<TeamDataInitializer>(); // presets and batches, once the schema is up to date
        builder.AddSonicAuthentication(); // after the storage (its schema step), before the worker
        services.AddHostedService<GenerationWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<UploadChecker>()); // after the storage: it reads Checking rows at start

        AddServerBuffers(builder);
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddOpenApi();
        services.AddHealthChecks()
            .AddDbContextCheck<SonicDbContext>("database")
            .AddCheck<FfmpegHealthCheck>("ffmpeg")
            .AddCheck<ModelsHealthCheck>("models")
            .AddCheck<DiskHealthCheck>("disk")
            .AddCheck<MemoryHealthCheck>("memory")
            .AddCheck<ServerBuffersHealthCheck>("buffers");
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
    }

    /// <summary>
    /// Kestrel's buffer blocks (Server:BufferBlockBytes). Kestrel registers its own pool factory before the
    /// app's services; the app's replaces every registered one as the container is built (after all
    /// ConfigureServices calls), and Kestrel resolves it from there when it binds. /health ("buffers") shows
    /// the pools Kestrel took from it. (WebApplicationFactory adds Kestrel's factory later still: tests that
    /// need the pool start the app as a process, or give the pool themselves.)
    /// </summary>
    private static void AddServerBuffers(WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ServerBufferOptions.Section).Get<ServerBufferOptions>() ?? new ServerBufferOptions();
        if (!options.IsValid)
            throw new OptionsValidationException(ServerBufferOptions.Section, typeof(ServerBufferOptions),
                [$"Server:BufferBlockBytes is {options.BufferBlockBytes}; it must be 0 (the framework's 4 KB blocks) or {ServerBufferOptions.MinBlockBytes}..{ServerBufferOptions.MaxBlockBytes}."]);
        if (options.BufferBlockBytes == 0) return;
        var factory = new LargeBlockMemoryPoolFactory(options.BufferBlockBytes);
        builder.Host.ConfigureContainer<IServiceCollection>(services =>
        {
            services.RemoveAll<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>>();
            services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>>(factory);
        });
    }

    public static void UseSonicWeb(this WebApplication app)
    {
        app.UseMiddleware<RequestLoggingMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        // wwwroot, MudBlazor's css/js and the framework's blazor.web.js, with fingerprints and caching headers;
        // open to everyone (the sign-in page needs them).
        app.MapStaticAssets().AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapJobsApi();
        app.MapReviewEndpoints();
        app.MapNotificationEndpoints();
        app.MapEstimateApi();
        app.MapSonicCompatApi();
        app.MapPresetsApi();
        app.MapBatchesApi();
        app.MapHub<JobsHub>("/hubs/jobs");
        app.MapHealthChecks("/health", new() { ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }
}
