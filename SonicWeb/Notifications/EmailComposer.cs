using System.Text;
using SonicWeb.Components.Shared;
using SonicWeb.Data;
using SonicWeb.Reviews;

namespace SonicWeb.Notifications;

/// <summary>Subject and plain-text body of one email (no sending, no database).</summary>
public sealed record EmailContent(string Subject, string TextBody);

/// <summary>
/// Writes the emails: what happened, the numbers that matter, and an absolute link to the page
/// (Email:PublicBaseUrl + path). Plain text, so every mail client shows the same thing.
/// </summary>
public sealed class EmailComposer(EmailOptions options)
{
    /// <param name="download">A signed link to the video (absolute) and when it stops working; null: no download line.</param>
    public EmailContent JobFinished(Job job, string recipientName, (string Url, DateTime ExpiresAt)? download = null)
    {
        bool ok = job.Status == JobStatus.Succeeded;
        var body = new Body(recipientName)
            .Line($"Your SonicWeb job \"{OneLine(job.Name)}\" has {(ok ? "succeeded" : "failed")}.")
            .Blank()
            .Field("Status", job.Status.ToString())
            .Field("Duration", Duration(job));
        if (ok) body.Field("Video", $"{Format.Seconds(job.VideoSeconds)}, {job.Width} x {job.Height}");
        if (ok && download is { } link) body.Field("Download", $"{link.Url} (works without signing in until {link.ExpiresAt:yyyy-MM-dd HH:mm} UTC)");
        if (!ok) body.Field("Reason", job.ErrorMessage is null ? "unknown" : $"{job.ErrorMessage} ({job.ErrorCode})");
        body.Field("Job page", options.Link($"/jobs/{job.Id}"));
        return new($"SonicWeb: \"{Short(job.Name)}\" {(ok ? "succeeded" : "failed")}", body.Footer(options).ToString());
    }

    public EmailContent ReviewDecided(Job job, string recipientName)
    {
        var state = JobReview.StateOf(job);
        var body = new Body(recipientName)
            .Line($"{OneLine(job.ReviewerName ?? "A reviewer")} reviewed your video \"{OneLine(job.Name)}\": {JobReview.Words(state)}.")
            .Blank()
            .Field("Decision", JobReview.Words(state))
            .Field("Reviewer", job.ReviewerName ?? "–")
            .Field("When", Format.Time(job.ReviewedAt));
        if (job.ReviewComment is { } comment) body.Blank().Line("Comment:").Line(comment).Blank();
        body.Field("Job page", options.Link($"/jobs/{job.Id}"));
        var subject = state == ReviewState.Approved
            ? $"SonicWeb: \"{Short(job.Name)}\" approved"
            : $"SonicWeb: changes requested on \"{Short(job.Name)}\"";
        return new(subject, body.Footer(options).ToString());
    }

    public EmailContent BatchFinished(BatchOutcome batch, string recipientName)
    {
        int total = batch.Succeeded + batch.Failed + batch.Cancelled;
        var body = new Body(recipientName)
            .Line($"Your SonicWeb batch \"{OneLine(batch.Name)}\" has finished: {total} job(s).")
            .Blank()
            .Field("Succeeded", batch.Succeeded.ToString())
            .Field("Failed", batch.Failed.ToString())
            .Field("Cancelled", batch.Cancelled.ToString())
            .Field("Batch page", options.Link(batch.PagePath));
        var counts = $"{batch.Succeeded} succeeded" + (batch.Failed > 0 ? $", {batch.Failed} failed" : "") + (batch.Cancelled > 0 ? $", {batch.Cancelled} cancelled" : "");
        return new($"SonicWeb: batch \"{Short(batch.Name)}\" finished ({counts})", body.Footer(options).ToString());
    }

    public EmailContent Test(string requestedBy) => new("SonicWeb: test email",
        new Body(null).Line($"{OneLine(requestedBy)} sent this test from the notifications page. Email from SonicWeb works.")
            .Blank().Field("Server", $"{options.Host}:{options.Port} ({options.Tls})").Field("App", options.Link("/")).ToString());

    /// <summary>Generation time for a rendered job; start to finish otherwise; says so when the video was reused.</summary>
    private static string Duration(Job job)
    {
        if (job.ReusedFromJobId is { } source) return $"none (reused the video of identical job {source})";
        if (job.Status == JobStatus.Succeeded && job.GenerationSeconds is { } generation) return Format.Seconds(generation);
        if (job.StartedAt is { } start && job.FinishedAt is { } end) return Format.Seconds((end - start).TotalSeconds);
        return "–";
    }

    /// <summary>Names are user text: no line breaks in subjects (header injection) or in one-line fields.</summary>
    private static string OneLine(string text) => new(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());

    private static string Short(string name)
    {
        var line = OneLine(name).Trim();
        return line.Length <= 80 ? line : line[..79] + "…";
    }

    private sealed class Body
    {
        private readonly StringBuilder _text = new();

        public Body(string? recipientName)
        {
            if (recipientName is not null) _text.Append("Hello ").Append(OneLine(recipientName)).Append(",\n\n");
        }

        public Body Line(string text) { _text.Append(text).Append('\n'); return this; }
        public Body Blank() => Line("");
        public Body Field(string name, string value) => Line($"{name + ":",-11} {OneLine(value)}");

        public Body Footer(EmailOptions options) => Blank()
            .Line("-- ")
            .Line($"You get these emails because email notifications are on in your settings: {options.Link("/account/settings")}");

        public override string ToString() => _text.ToString();
    }
}
