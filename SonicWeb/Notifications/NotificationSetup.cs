using Microsoft.Extensions.Options;

namespace SonicWeb.Notifications;

/// <summary>Email notifications: options, the outbox writer, the sender (shared with webhooks) and the IUserNotifications seam.</summary>
public static class NotificationSetup
{
    public static void AddSonicNotifications(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        services.AddOptions<CatchUpOptions>().BindConfiguration(CatchUpOptions.Section)
            .Validate(o => !o.Problems().Any(), "Notifications:CatchUpSeconds must be between 0 (only at start) and 86400.").ValidateOnStart();
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<NotificationOutbox>();
        services.AddSingleton<NotificationQueries>();
        services.AddSingleton<SmtpMailer>();
        services.AddSingleton<IOutboxChannel, EmailChannel>();
        services.AddSingleton<IUserNotifications, EmailNotifications>();
        services.AddHostedService<OutboxDispatcher>(); // register after the storage initializer: the table must exist
        services.AddHostedService<MissedFinishNotices>(); // emails and webhook calls lost when the app died between a job's end and its handlers (at start, then every Notifications:CatchUpSeconds)
    }
}

/// <summary>Refuses to start with unusable email settings, naming each problem.</summary>
public sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
