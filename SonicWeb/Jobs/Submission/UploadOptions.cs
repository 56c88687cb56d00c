namespace SonicWeb.Jobs.Submission;

/// <summary>
/// How uploads are checked (configuration section "Uploads"). The full check (decode both files, find
/// the face and its landmarks) costs ~0.1-1 s of CPU per upload; it runs in the request when the server
/// is quiet, so the caller gets 422 no_face at once, and in the background (status Checking) when many
/// uploads arrive together, so that every caller gets its 202 quickly. See docs/web.md "Upload checks".
/// </summary>
public sealed class UploadOptions
{
    public const string Section = "Uploads";

    /// <summary>Full checks running at once (in requests and in the background together); 0 = one per core.</summary>
    public int CheckSlots { get; set; }

    /// <summary>How long a request waits for a free check slot before its job is created as Checking instead. 0 = only a slot free right now.</summary>
    public int SyncCheckBudgetMs { get; set; } = 250;

    /// <summary>
    /// A request checks in the request only while at most this many uploads are in flight (being received
    /// or checked, itself included) and no background check is waiting: a burst of uploads goes to the
    /// background at once instead of a few requests doing slow checks on cores the others need. 0 = never.
    /// </summary>
    public int SyncCheckMaxConcurrent { get; set; } = 2;

    /// <summary>
    /// A background check waits up to this long while uploads are still being received, so a burst's
    /// transfers do not share the cores with decoding and face detection (the 202s come first; the
    /// checks follow). 0 = start at once.
    /// </summary>
    public int BackgroundYieldMs { get; set; } = 3000;

    public int EffectiveCheckSlots => CheckSlots > 0 ? CheckSlots : Math.Max(1, Environment.ProcessorCount);
}
