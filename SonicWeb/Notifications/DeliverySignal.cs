namespace SonicWeb.Notifications;

/// <summary>Wakes the email sender when a row is written, so a new email goes out at once instead of at the next poll.</summary>
public sealed class DeliverySignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try { _wake.Release(); }
        catch (SemaphoreFullException) { } // already awake-pending: one wake-up is enough
    }

    /// <summary>Returns when woken or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct) => await _wake.WaitAsync(timeout, ct);
}
