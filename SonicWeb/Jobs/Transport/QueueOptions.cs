using SonicWeb.Hosting;

namespace SonicWeb.Jobs.Transport;

/// <summary>How jobs, stop requests and job events travel (configuration section "Queue").</summary>
public sealed class QueueOptions
{
    public const string Section = "Queue";
    public const string InProcess = "InProcess";
    public const string RabbitMqTransport = "RabbitMq";

    /// <summary><c>InProcess</c> (one process, the default) or <c>RabbitMq</c> (several nodes sharing a broker).</summary>
    public string Transport { get; set; } = InProcess;

    public RabbitMqOptions RabbitMq { get; set; } = new();

    public bool UsesRabbitMq => string.Equals(Transport, RabbitMqTransport, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The broker and its limits (Queue:RabbitMq:*).</summary>
public sealed class RabbitMqOptions
{
    /// <summary>amqp://user:password@host:port/vhost</summary>
    public string Uri { get; set; } = "";

    /// <summary>
    /// A job message is delivered at most this many times (first delivery plus redeliveries after a worker
    /// died holding it); then it goes to the dead-letter queue and the admin page lists it.
    /// </summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>How often a node compares the queued rows with the broker's ready messages and re-announces the missing.</summary>
    public double ReannounceSeconds { get; set; } = 30;

    /// <summary>A queued row is re-announced only when it has waited this long (a fresh one's message is still on its way).</summary>
    public double ReannounceAfterSeconds { get; set; } = 10;

    /// <summary>Names of exchanges and queues start with this (several installations can share one broker).</summary>
    public string Prefix { get; set; } = "sonicweb";
}

public sealed class QueueOptionsValidator : OptionsValidator<QueueOptions>
{
    public override IEnumerable<string> Problems(QueueOptions o)
    {
        if (!string.Equals(o.Transport, QueueOptions.InProcess, StringComparison.OrdinalIgnoreCase) && !o.UsesRabbitMq)
            yield return $"Queue:Transport is '{o.Transport}'; it must be InProcess or RabbitMq";
        if (!o.UsesRabbitMq) yield break;
        if (!System.Uri.TryCreate(o.RabbitMq.Uri, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
            yield return "Queue:RabbitMq:Uri must be an amqp:// or amqps:// address when Queue:Transport is RabbitMq";
        if (o.RabbitMq.MaxDeliveries is < 1 or > 100) yield return $"Queue:RabbitMq:MaxDeliveries is {o.RabbitMq.MaxDeliveries}; it must be 1..100";
        if (!(o.RabbitMq.ReannounceSeconds > 0)) yield return $"Queue:RabbitMq:ReannounceSeconds is {o.RabbitMq.ReannounceSeconds}; it must be more than 0";
        if (!(o.RabbitMq.ReannounceAfterSeconds >= 0)) yield return $"Queue:RabbitMq:ReannounceAfterSeconds is {o.RabbitMq.ReannounceAfterSeconds}; it must not be negative";
        if (string.IsNullOrWhiteSpace(o.RabbitMq.Prefix)) yield return "Queue:RabbitMq:Prefix must not be empty";
    }
}
