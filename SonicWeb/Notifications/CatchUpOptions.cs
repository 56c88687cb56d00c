namespace SonicWeb.Notifications;

/// <summary>
/// Section "Notifications": how often <see cref="MissedFinishNotices"/> looks again for finished jobs whose email or
/// webhook row is missing (a node died between a job's end and its notices). The pass also runs once at start.
/// </summary>
public sealed class CatchUpOptions
{
    public const string Section = "Notifications";

    /// <summary>Seconds between passes; 0 = only the pass at start.</summary>
    public double CatchUpSeconds { get; set; } = 60;

    public IEnumerable<string> Problems()
    {
        if (!(CatchUpSeconds >= 0 && CatchUpSeconds <= 86400))
            yield return $"Notifications:CatchUpSeconds is {CatchUpSeconds}; it must be between 0 (only at start) and 86400.";
    }
}
