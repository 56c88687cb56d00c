using SonicWeb.Hosting;

namespace SonicWeb.Storage;

public sealed class StorageOptionsValidator : OptionsValidator<StorageOptions>
{
    public override IEnumerable<string> Problems(StorageOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.Root)) yield return "Storage:Root must be set";
        if (o.MaxUploadBytes <= 0) yield return "Storage:MaxUploadBytes must be positive";
        if (o.ReserveBytes < 0) yield return $"Storage:ReserveBytes is {o.ReserveBytes}; it must not be negative";
        if (o.MinFreeBytes < 0) yield return $"Storage:MinFreeBytes is {o.MinFreeBytes}; it must not be negative";
        if (o.BusyTimeoutSeconds is < 1 or > 600) yield return $"Storage:BusyTimeoutSeconds is {o.BusyTimeoutSeconds}; it must be between 1 and 600";
        if (!Enum.IsDefined(o.SqliteSynchronous)) yield return $"Storage:SqliteSynchronous is {o.SqliteSynchronous}; it must be Off, Normal, Full or Extra";
    }
}
