using SonicWeb.Hosting;

namespace SonicWeb.Batches;

public sealed class BatchOptionsValidator : OptionsValidator<BatchOptions>
{
    public override IEnumerable<string> Problems(BatchOptions o)
    {
        if (o.MaxItems < 1 || o.MaxArchiveBytes <= 0 || o.MaxUncompressedBytes <= 0 || o.MaxArchiveEntries < 1)
            yield return "Batches: limits must be positive";
    }
}
