using SonicWeb.Hosting;

namespace SonicWeb.Jobs;

public sealed class JobOptionsValidator : OptionsValidator<JobOptions>
{
    public override IEnumerable<string> Problems(JobOptions o)
    {
        if (o.Slots is < 1 or > 64) yield return "Jobs:Slots must be 1..64";
        if (!(o.WatchdogMultiplier > 0) || !(o.WatchdogMinimumSeconds >= 0)) yield return "Jobs:WatchdogMultiplier must be positive";
        if (!(o.PollSeconds > 0)) yield return $"Jobs:PollSeconds is {o.PollSeconds}; it must be more than 0";
        if (!(o.MaxWaitSeconds >= 0)) yield return $"Jobs:MaxWaitSeconds is {o.MaxWaitSeconds}; it must not be negative";
    }
}
