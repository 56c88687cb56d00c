using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using SonicWeb.Api;
using SonicWeb.Jobs.Finishing;
using SonicWeb.Links;
using SonicWeb.Notifications;
using SonicWeb.Webhooks;

namespace SonicWeb.Hosting;

/// <summary>
/// What other programs use besides the REST endpoints themselves (issue 16): absolute and signed links,
/// the old service's error fields, the forwarded headers behind a proxy, and webhooks.
/// </summary>
public static class ProgramInterfacesSetup
{
    public static void AddSonicProgramInterfaces(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ProgramLinkOptions, ProgramLinkOptionsValidator>(ProgramLinkOptions.Section);
        services.TryAddSingletonTimeProvider();
        services.AddDataProtection();
        services.AddSingleton<SignedLinks>();
        services.AddSingleton<PublicAddress>();
        services.AddSingleton<ProgramLinks>();

        services.AddValidatedOptions<WebhookOptions, WebhookOptionsValidator>(WebhookOptions.Section);
        services.AddSingleton<WebhookTargets>();
        services.AddSingleton<WebhookSigning>();
        services.AddSingleton<WebhookQueries>();
        services.AddSingleton<CallbackChoice>();
        services.AddSingleton<IOutboxChannel, WebhookSender>(); // sent by the outbox's dispatcher, with the emails
        services.AddSingleton<WebhookWhenJobFinished>(); // also used by the start-up pass for calls lost in a crash (MissedFinishNotices)
        services.AddSingleton<IJobFinishedHandler>(sp => sp.GetRequiredService<WebhookWhenJobFinished>()); // after the job handlers (AddSonicJobs): the job is final and announced

        services.Configure<ProblemDetailsOptions>(o =>
        {
            var earlier = o.CustomizeProblemDetails;
            o.CustomizeProblemDetails = context => { earlier?.Invoke(context); SonicCompatApi.AddOldErrorFields(context); };
        });
    }

    public static void MapSonicProgramInterfaces(this WebApplication app)
    {
        app.MapSignedLinksApi();
        app.MapWebhookEndpoints();
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services) =>
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton(services, TimeProvider.System);
}
