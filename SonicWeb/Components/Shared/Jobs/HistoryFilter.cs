using System.Globalization;
using SonicWeb.Data;
using SonicWeb.Jobs;
using SonicWeb.Reviews;

namespace SonicWeb.Components.Shared.Jobs;

/// <summary>
/// The history's filters and sort as the address shows them (/history?q=..&amp;status=..&amp;review=..&amp;from=..&amp;to=..&amp;sort=..),
/// so a filtered list can be bookmarked, shared and reloaded. Values that cannot be read are ignored, as the old
/// page did. Dates are whole UTC days, both ends included.
/// </summary>
public sealed record HistoryFilter(string? Text, JobStatus? Status, ReviewState? Review, DateOnly? From, DateOnly? To, string Sort)
{
    public const string DefaultSort = "-created";
    private const string DateFormat = "yyyy-MM-dd";

    public static readonly HistoryFilter Default = new(null, null, null, null, null, DefaultSort);

    public static HistoryFilter Parse(string? text, string? status, string? review, string? from, string? to, string? sort) => new(
        string.IsNullOrWhiteSpace(text) ? null : text.Trim(),
        Enum.TryParse<JobStatus>(status, true, out var s) && Enum.IsDefined(s) && !char.IsDigit(status![0]) ? s : null,
        JobReview.TryParse(review, out var r) && !string.IsNullOrWhiteSpace(review) ? r : null,
        ParseDate(from), ParseDate(to), CleanSort(sort));

    /// <summary>A sort key of <see cref="JobListQuery.SortKeys"/> with an optional "-" (descending); anything else is the default.</summary>
    public static string CleanSort(string? sort)
    {
        var s = (sort ?? "").Trim().ToLowerInvariant();
        return JobListQuery.SortKeys.Contains(s.TrimStart('-')) && s.Length > 0 ? s : DefaultSort;
    }

    public static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    public static string? FormatDate(DateOnly? date) => date?.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>The database query for one page (1-based) of this filter.</summary>
    public JobListQuery ToQuery(int page, int pageSize) => new()
    {
        Text = Text, Status = Status, Review = Review, Sort = Sort, Page = page, PageSize = pageSize,
        From = From?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        To = To?.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
    };

    /// <summary>The history's address with this filter and page (defaults left out).</summary>
    public string ToUrl(int page = 1)
    {
        var parts = new (string Key, string? Value)[]
        {
            ("q", Text), ("status", Status?.ToString()), ("review", Review is { } r ? JobReview.Name(r) : null),
            ("from", FormatDate(From)), ("to", FormatDate(To)), ("sort", Sort == DefaultSort ? null : Sort),
            ("page", page > 1 ? page.ToString(CultureInfo.InvariantCulture) : null),
        }.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value!)).ToList();
        return parts.Count == 0 ? "/history" : "/history?" + string.Join("&", parts);
    }

    /// <summary>The direction a column's sort label shows for this sort.</summary>
    public MudBlazor.SortDirection DirectionOf(string key) =>
        Sort.TrimStart('-') != key ? MudBlazor.SortDirection.None
        : Sort.StartsWith('-') ? MudBlazor.SortDirection.Descending : MudBlazor.SortDirection.Ascending;

    /// <summary>The sort a column's label asks for (no direction: the default, newest first).</summary>
    public static string SortFrom(string? label, MudBlazor.SortDirection direction) =>
        label is null || direction == MudBlazor.SortDirection.None ? DefaultSort
        : CleanSort((direction == MudBlazor.SortDirection.Descending ? "-" : "") + label);
}
