namespace SonicWeb.Jobs.Transport;

/// <summary>
/// Job events that happened in this process only (not those relayed from other nodes). The public hub's
/// bridge uses it when a SignalR backplane carries its messages to the other nodes anyway (see
/// <see cref="Hubs.JobsHubBridge"/>). In process every event happens here.
/// </summary>
public interface IJobEventOrigins
{
    IDisposable SubscribeOriginatedHere(Func<JobEvent, Task> onEvent);
}
