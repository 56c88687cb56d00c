using SonicWeb.Hosting;

namespace SonicWeb.Jobs.Submission;

public sealed class UploadOptionsValidator : OptionsValidator<UploadOptions>
{
    public override IEnumerable<string> Problems(UploadOptions o)
    {
        if (o.CheckSlots < 0 || o.SyncCheckBudgetMs < 0 || o.SyncCheckMaxConcurrent < 0 || o.BackgroundYieldMs < 0)
            yield return "Uploads:* settings must not be negative";
    }
}
