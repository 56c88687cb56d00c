using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using SonicWeb.Accounts;
using SonicWeb.Api;
using SonicWeb.Api.OpenApi;
using SonicWeb.Batches;
using SonicWeb.Components;
using SonicWeb.Components.Layout;
using SonicWeb.Components.Shared;
using SonicWeb.Data;
using SonicWeb.Health;
using SonicWeb.Hubs;
using SonicWeb.Jobs;
using SonicWeb.Jobs.Finishing;
using SonicWeb.Jobs.Lifecycle;
using SonicWeb.Jobs.Running;
using SonicWeb.Jobs.Submission;
using SonicWeb.Jobs.Transport;
using SonicWeb.Logging;
using SonicWeb.Nodes;
using SonicWeb.Notifications;
using SonicWeb.Reviews;
using SonicWeb.Security;
using SonicWeb.Presets;
using SonicWeb.Reliability;
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
        services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(StorageOptions.Section);
        services.AddValidatedOptions<JobOptions, JobOptionsValidator>(JobOptions.Section);
        services.AddValidatedOptions<UploadOptions, UploadOptionsValidator>(UploadOptions.Section);
        services.AddValidatedOptions<BatchOptions, BatchOptionsValidator>(BatchOptions.Section);
        services.AddValidatedOptions<NodeOptions, NodeOptionsValidator>(NodeOptions.Section);
        services.AddValidatedOptions<LivePageOptions, LivePageOptionsValidator>(LivePageOptions.Section);
        services.AddValidatedOptions<ShellOptions, ShellOptionsValidator>(ShellOptions.Section);
        var node = config.GetSection(NodeOptions.Section).Get<NodeOptions>() ?? new NodeOptions();

        var paths = services.AddSonicStorage(config);
        builder.Logging.AddProvider(new JsonFileLoggerProvider(paths.LogsRoot));

        services.AddSonicEngine();
        services.AddSonicJobs();
        services.AddJobTransport(config); // queue, stop requests and job events: in process or RabbitMQ (Queue:Transport)
        services.AddSingleton<ReviewService>();
        services.AddHostedService<StorageInitializer>(); // before the worker: hosted services start in order
        services.AddSonicDataProtection(config); // after the StorageInitializer: its start-up reads the key ring from the database
        services.AddSonicReliability(); // crash clean-up at start (after the StorageInitializer, before the worker) and on a timer
        builder.AddSonicNotifications(); // email (IUserNotifications + its sender); after the storage: the outbox table must exist
        services.AddSingleton<PresetService>();
        services.AddSingleton<BatchQueries>();
        services.AddSingleton<BatchCompletion>();
        services.AddSingleton<BatchService>();
        services.AddHostedService<TeamDataInitializer>(); // presets and batches, once the schema is up to date
        builder.AddSonicAuthentication(); // after the storage (its schema step), before the worker
        builder.AddSonicProgramInterfaces(); // signed links, absolute addresses, webhooks
        AddRoleServices(builder, node);
        builder.AddSonicSecurity(); // rate and queue limits, security headers, reverse proxy

        AddServerBuffers(builder);
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .AddSonicBackplane(config); // Redis:Configuration: hub messages reach clients on every web node
        services.AddSonicOpenApi(); // Api/OpenApi: the document programs generate clients from
        services.AddHealthChecks()
            .AddDbContextCheck<SonicDbContext>("database")
            .AddCheck<FfmpegHealthCheck>("ffmpeg")
            .AddCheck<ModelsHealthCheck>("models")
            .AddCheck<OnnxHealthCheck>("onnx")
            .AddCheck<DiskHealthCheck>("disk")
            .AddCheck<MemoryHealthCheck>("memory")
            .AddCheck<ServerBuffersHealthCheck>("buffers")
            .AddCheck<WorkerHealthCheck>("worker");
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
    }

    /// <summary>
    /// What differs between the roles (Node:Role): a node that renders runs the GenerationWorker and its
    /// heartbeat (the heartbeat first: it stops last, after the worker drained); a node that serves pages
    /// checks uploads and relays job events to the public hub. All roles register the same services
    /// otherwise, so a job's finishing handlers (email, webhooks, batches) run wherever the job ends.
    /// </summary>
    private static void AddRoleServices(WebApplicationBuilder builder, NodeOptions node)
    {
        var services = builder.Services;
        services.AddSingleton<WorkerActivity>();
        services.AddSingleton<StaleJobRecovery>();
        services.AddSingleton(sp => NodeTopology.From(sp.GetRequiredService<DatabaseOptions>(),
            sp.GetRequiredService<IOptions<QueueOptions>>().Value, sp.GetRequiredService<IOptions<NodeOptions>>().Value));
        services.AddSingleton<WorkerDirectory>();
        if (node.Renders)
        {
            services.AddHostedService<WorkerHeartbeat>();
            services.AddHostedService<GenerationWorker>();
            // The host waits for hosted services to stop for ShutdownTimeout (30 s by default): long enough for the drain.
            var needed = node.Drain + TimeSpan.FromSeconds(30);
            services.Configure<HostOptions>(o => { if (o.ShutdownTimeout < needed) o.ShutdownTimeout = needed; });
        }
        if (!node.ServesPages)
        {
            // A worker maps /health and /metrics only. Without this, the app's "signed-in users only" fallback
            // would answer every other address with a sign-in challenge instead of 404.
            services.PostConfigure<Microsoft.AspNetCore.Authorization.AuthorizationOptions>(o => o.FallbackPolicy = null);
        }
        if (node.ServesPages)
            services.AddHostedService(sp => sp.GetRequiredService<UploadChecker>()); // after the storage: it reads Checking rows at start
        // With the Redis backplane each node forwards the events of its own jobs to the hub (JobsHubBridge), so a
        // worker must run the bridge too: its jobs' progress reaches the hub's clients on the web nodes through Redis.
        if (node.ServesPages || SignalRBackplane.IsConfigured(builder.Configuration))
            services.AddHostedService<JobsHubBridge>();
    }

    /// <summary>
    /// The job services and their seams. The transport (queue, control, events) is in process here; a
    /// multi-machine set-up registers other implementations of the three interfaces instead. The
    /// job-finished handlers run in the order registered: the estimator learns first, then watchers hear
    /// the final state, then the batch and the owner are told.
    /// </summary>
    private static void AddSonicJobs(this IServiceCollection services)
    {
        services.AddSingleton<JobClaims>();

        services.AddSingleton<EstimatorService>();
        services.AddSingleton<IJobFinishedHandler>(sp => sp.GetRequiredService<EstimatorService>());
        services.AddSingleton<IJobFinishedHandler, AnnounceFinalStatus>();
        services.AddSingleton<IJobFinishedHandler>(sp => sp.GetRequiredService<BatchCompletion>());
        services.AddSingleton<IJobFinishedHandler, EmailOwnerWhenJobFinished>();
        services.AddSingleton<JobFinishing>();

        services.AddSingleton<JobQueries>();
        services.AddSingleton<JobEstimates>();
        services.AddSingleton<OutputReuse>();
        services.AddSingleton<UploadAdmission>();
        services.AddSingleton<UploadChecker>();
        services.AddSingleton<JobSubmission>();
        services.AddSingleton<StagedInputs>();
        services.AddSingleton<InputPreview>();
        services.AddSingleton<JobLifecycle>();
        services.AddSingleton<JobRunner>();
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
        var problems = new ServerBufferOptionsValidator().Problems(options).ToList();
        if (problems.Count > 0) throw new OptionsValidationException(ServerBufferOptions.Section, typeof(ServerBufferOptions), problems);
        builder.Services.AddValidatedOptions<ServerBufferOptions, ServerBufferOptionsValidator>(ServerBufferOptions.Section);
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
        var node = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
        if (!node.ServesPages)
        {
            UseWorkerOnly(app);
            return;
        }

        app.UseSonicEdge(); // forwarded headers from known proxies, security headers on every response
        app.UseMiddleware<RequestLoggingMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<CrossSiteRequestMiddleware>(); // state-changing requests from other sites' pages, before anything acts on them
        app.UseAuthentication();
        app.UseSonicRateLimits(); // knows the user (cookie or API key), and counts refused callers too
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseFormTokens(); // refuses form posts whose token check failed (the framework only records it)

        // wwwroot, MudBlazor's css/js and the framework's blazor.web.js, with fingerprints and caching headers;
        // open to everyone (the sign-in page needs them).
        app.MapStaticAssets().AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapJobsApi();
        app.MapReviewEndpoints();
        app.MapNotificationEndpoints();
        app.MapEstimateApi();
        app.MapStagedUploadsApi();
        app.MapSonicCompatApi();
        app.MapPresetsApi();
        app.MapBatchesApi();
        app.MapSonicProgramInterfaces();
        app.MapHub<JobsHub>("/hubs/jobs");
        app.MapHealthChecks("/health", new() { ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous();
        if (node.Renders) app.MapWorkerMetrics();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }

    /// <summary>Role worker: /health and /metrics on --urls, nothing else (no pages, API, hub or sign-in: 404).</summary>
    private static void UseWorkerOnly(WebApplication app)
    {
        app.UseMiddleware<RequestLoggingMiddleware>();
        app.UseExceptionHandler();
        app.MapHealthChecks("/health", new() { ResponseWriter = HealthResponse.WriteAsync });
        app.MapWorkerMetrics();
    }
}
