using Microsoft.Extensions.Options;
using SonicWeb.Hosting;
using SonicWeb.Jobs.Transport.RabbitMq;

namespace SonicWeb.Jobs.Transport;

/// <summary>
/// Chooses how jobs, stop requests and job events travel (Queue:Transport): in process (one node, the
/// default) or through RabbitMQ (several nodes sharing a database, a storage root and a broker). Both
/// register the same three seams: <see cref="IJobQueue"/>, <see cref="IJobControl"/>, <see cref="IJobEvents"/>.
/// </summary>
public static class TransportSetup
{
    public static void AddJobTransport(this IServiceCollection services, IConfiguration config)
    {
        services.AddValidatedOptions<QueueOptions, QueueOptionsValidator>(QueueOptions.Section);
        var options = config.GetSection(QueueOptions.Section).Get<QueueOptions>() ?? new QueueOptions();
        if (!options.UsesRabbitMq)
        {
            services.AddSingleton<IJobQueue, InProcessJobQueue>();
            services.AddSingleton<IJobControl, InProcessJobControl>();
            services.AddSingleton<InProcessJobEvents>();
            services.AddSingleton<IJobEvents>(sp => sp.GetRequiredService<InProcessJobEvents>());
            services.AddSingleton<IJobEventOrigins>(sp => sp.GetRequiredService<InProcessJobEvents>());
            return;
        }
        var problems = new QueueOptionsValidator().Problems(options).ToList(); // a bad URI must not reach the connection factory
        if (problems.Count > 0) throw new OptionsValidationException(QueueOptions.Section, typeof(QueueOptions), problems);
        services.AddSingleton<RabbitMqConnection>();
        services.AddSingleton<RabbitMqJobQueue>();
        services.AddSingleton<IJobQueue>(sp => sp.GetRequiredService<RabbitMqJobQueue>());
        services.AddSingleton<RabbitMqJobControl>();
        services.AddSingleton<IJobControl>(sp => sp.GetRequiredService<RabbitMqJobControl>());
        services.AddSingleton<RabbitMqJobEvents>();
        services.AddSingleton<IJobEvents>(sp => sp.GetRequiredService<RabbitMqJobEvents>());
        services.AddSingleton<IJobEventOrigins>(sp => sp.GetRequiredService<RabbitMqJobEvents>());
        services.AddSingleton<DeadLetterQueue>();
        services.AddHostedService<RabbitMqTransportStart>();
        services.AddHostedService<QueueReannouncer>();
    }
}
