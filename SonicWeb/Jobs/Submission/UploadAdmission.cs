using Microsoft.Extensions.Options;

namespace SonicWeb.Jobs.Submission;

/// <summary>
/// The admission gate for full upload checks: <see cref="UploadOptions.EffectiveCheckSlots"/> slots shared
/// by requests and the background <see cref="UploadChecker"/>, plus the two load signals that decide
/// whether a request may check in the request: uploads in flight and checks waiting in the background.
/// </summary>
public sealed class UploadAdmission
{
    private readonly SemaphoreSlim _slots;
    private readonly UploadOptions _options;
    private int _uploadsInFlight;
    private int _checksWaiting;

    public UploadAdmission(IOptions<UploadOptions> options)
    {
        _options = options.Value;
        Slots = _options.EffectiveCheckSlots;
        _slots = new SemaphoreSlim(Slots, Slots);
    }

    public int Slots { get; }
    public int UploadsInFlight => Volatile.Read(ref _uploadsInFlight);
    /// <summary>Jobs in status Checking whose check has not started yet.</summary>
    public int ChecksWaiting => Volatile.Read(ref _checksWaiting);

    /// <summary>Counts one upload request from before its body is read until it is answered (dispose).</summary>
    public IDisposable BeginUpload()
    {
        Interlocked.Increment(ref _uploadsInFlight);
        return new Release(() => Interlocked.Decrement(ref _uploadsInFlight));
    }

    /// <summary>
    /// A check slot for the request, or null: when a burst is under way (more uploads in flight than
    /// <see cref="UploadOptions.SyncCheckMaxConcurrent"/>, or background checks waiting, which a request
    /// must not overtake), or when no slot frees within <see cref="UploadOptions.SyncCheckBudgetMs"/>.
    /// </summary>
    public async Task<IDisposable?> TryEnterForRequestAsync(CancellationToken ct)
    {
        if (UploadsInFlight > _options.SyncCheckMaxConcurrent || ChecksWaiting > 0) return null;
        if (!await _slots.WaitAsync(TimeSpan.FromMilliseconds(Math.Max(0, _options.SyncCheckBudgetMs)), ct)) return null;
        return new Release(() => _slots.Release());
    }

    /// <summary>Waits as long as it takes for a slot (the background checker).</summary>
    public async Task<IDisposable> WaitForSlotAsync(CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        return new Release(() => _slots.Release());
    }

    /// <summary>Returns when no upload is in flight, or after <see cref="UploadOptions.BackgroundYieldMs"/>.</summary>
    public async Task YieldToUploadsAsync(CancellationToken ct)
    {
        var until = DateTime.UtcNow.AddMilliseconds(_options.BackgroundYieldMs);
        while (UploadsInFlight > 0 && DateTime.UtcNow < until)
            await Task.Delay(25, ct);
    }

    public void CheckQueued() => Interlocked.Increment(ref _checksWaiting);
    public void CheckDequeued() => Interlocked.Decrement(ref _checksWaiting);

    private sealed class Release(Action release) : IDisposable
    {
        private int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) release();
        }
    }
}
