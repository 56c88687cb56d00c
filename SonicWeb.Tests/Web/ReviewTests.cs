using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SonicWeb.Data;
using SonicWeb.Notifications;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.EmailNotificationTests;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web;

/// <summary>
/// The review workflow: who may review (reviewers and admins, never operators), what can be
/// reviewed (succeeded jobs), the checks on the comment, the history filter, the job page, and the
/// email that tells the submitter.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class ReviewTests
{
    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)] // the same test on PostgreSQL (docs/deploy.md, "Database")
    public async Task Reviewers_and_admins_decide_on_a_finished_video_operators_may_not_and_the_submitter_is_emailed(TestDatabase database)
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        using var host = new WebTestHost(settings: EmailSettings(smtp.Port), database: database);
        var (owner, _) = await host.CreateUserAsync("ana@sonic.example.test", "Operator", "Ana");
        var (other, _) = await host.CreateUserAsync("bo@sonic.example.test", "Operator", "Bo");
        var (reviewer, _) = await host.CreateUserAsync("rita@sonic.example.test", "Reviewer", "Rita");
        using var anonymous = host.Anonymous();

        var id = (await SubmitAsync(owner, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("name", "Product intro"))).GetProperty("id").GetString()!;
        var done = await WaitForAsync(owner, id, IsFinished, TimeSpan.FromSeconds(90));
        Assert.Equal("Succeeded", done.Status());
        Assert.Equal("Pending", done.GetProperty("review").GetProperty("state").GetString());
        await smtp.WaitForAsync(m => m.Subject.Contains("succeeded"), TimeSpan.FromSeconds(30));

        // Operators may not review: not the owner, not anyone else; anonymous callers must sign in.
        Assert.Equal(HttpStatusCode.Forbidden, (await ReviewAsync(owner, id, "approved")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ReviewAsync(other, id, "approved")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ReviewAsync(anonymous, id, "approved")).StatusCode);

        // Bad input is refused with a reason; unknown jobs are 404; unfinished or failed jobs are 409.
        await AssertProblemAsync(await ReviewAsync(reviewer, id, "changes_requested"), 400, "comment is required");
        await AssertProblemAsync(await ReviewAsync(reviewer, id, "changes_requested", new string('x', 2001)), 400, "the limit is 2000");
        await AssertProblemAsync(await ReviewAsync(reviewer, id, "maybe"), 400, "'approved' or 'changes_requested'");
        await AssertProblemAsync(await ReviewAsync(reviewer, "0123456789abcdef01234567", "approved"), 404, "There is no job");
        var failedId = await InsertJobAsync(host, j => (j.Name, j.Status, j.ErrorCode, j.ErrorMessage) = ("Failed one", JobStatus.Failed, "no_face", "No face."));
        await AssertProblemAsync(await ReviewAsync(reviewer, failedId, "approved"), 409, "only a finished video");
        Assert.Equal("Pending", (await GetJobAsync(owner, id)).GetProperty("review").GetProperty("state").GetString());

        // The reviewer requests changes: the state, comment, reviewer and time are on the job.
        using (var response = await ReviewAsync(reviewer, id, "changes_requested", "  The lips start late at 0:02.  "))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var review = (await response.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("review");
            Assert.Equal("ChangesRequested", review.GetProperty("state").GetString());
            Assert.Equal("The lips start late at 0:02.", review.GetProperty("comment").GetString());
            Assert.Equal("Rita", review.GetProperty("reviewer").GetString());
            Assert.True(review.GetProperty("reviewedAt").GetDateTime() > DateTime.UtcNow.AddMinutes(-1));
        }
        var told = await smtp.WaitForAsync(m => m.Subject.Contains("changes requested"), TimeSpan.FromSeconds(30));
        Assert.Equal(["ana@sonic.example.test"], told.RcptTos);
        Assert.Equal("SonicWeb: changes requested on \"Product intro\"", told.Subject);
        Assert.Contains("Rita reviewed your video \"Product intro\": changes requested.", told.Text);
        Assert.Contains("The lips start late at 0:02.", told.Text);
        Assert.Contains($"https://sonic.example.test/jobs/{id}", told.Text);

        // The history filters by review state, in the API and on the page.
        Assert.Equal([id], await IdsAsync(owner, "review=changes_requested"));
        Assert.Empty(await IdsAsync(owner, "review=pending"));
        Assert.Empty(await IdsAsync(owner, "review=approved"));
        Assert.Contains(failedId, await IdsAsync(host.Http, "review=none"));
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.GetAsync("/api/jobs?review=later")).StatusCode);
        var history = await owner.GetStringAsync("/history?review=changes_requested");
        Assert.Contains($"data-job-id=\"{id}\"", history);
        Assert.Contains("Changes requested", history);
        Assert.DoesNotContain($"data-job-id=\"{failedId}\"", history);
        // Another operator's team history shows the state, not the comment.
        var line = (await other.GetFromJsonAsync<JsonElement>($"/api/jobs?q={id}", Json)).GetProperty("items")[0].GetProperty("review");
        Assert.Equal("ChangesRequested", line.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("comment").ValueKind);

        // The job page: everyone who may open the job sees the outcome; only reviewers and admins get the form.
        var ownerPage = await owner.GetStringAsync($"/jobs/{id}");
        Assert.Contains("data-review-state=\"changes_requested\"", ownerPage);
        Assert.Contains("The lips start late at 0:02.", ownerPage);
        Assert.DoesNotContain("id=\"review-form\"", ownerPage);
        var reviewerPage = await reviewer.GetStringAsync($"/jobs/{id}");
        Assert.Contains("id=\"review-form\"", reviewerPage);

        // The admin approves through the page's form; the submitter is told again.
        var adminPage = await host.Http.GetStringAsync($"/jobs/{id}");
        using (var form = await host.Http.PostAsync($"/jobs/{id}/review", new FormUrlEncodedContent(new Dictionary<string, string>
                   { ["decision"] = "approved", ["comment"] = "", ["__RequestVerificationToken"] = Token(adminPage) })))
            Assert.Equal($"/jobs/{id}?review=saved#review", form.Headers.Location?.OriginalString);
        var approved = (await GetJobAsync(owner, id)).GetProperty("review");
        Assert.Equal(("Approved", WebTestHost.AdminName), (approved.GetProperty("state").GetString(), approved.GetProperty("reviewer").GetString()));
        Assert.Equal(JsonValueKind.Null, approved.GetProperty("comment").ValueKind);
        Assert.Equal([id], await IdsAsync(owner, "review=approved"));
        var approvedMail = await smtp.WaitForAsync(m => m.Subject.Contains("approved"), TimeSpan.FromSeconds(30));
        Assert.Equal("SonicWeb: \"Product intro\" approved", approvedMail.Subject);
        // An operator posting the form is sent to the access-denied page, and nothing changes.
        using (var refused = await owner.PostAsync($"/jobs/{id}/review", new FormUrlEncodedContent(new Dictionary<string, string>
                   { ["decision"] = "changes_requested", ["comment"] = "mine", ["__RequestVerificationToken"] = Token(ownerPage) })))
            Assert.StartsWith("/account/denied", refused.Headers.Location?.AbsolutePathOrSelf());
        Assert.Equal("Approved", (await GetJobAsync(owner, id)).GetProperty("review").GetProperty("state").GetString());
        foreach (var c in new[] { owner, other, reviewer }) c.Dispose();
    }

    [Fact]
    public async Task A_database_from_before_reviews_and_emails_gains_the_columns_and_the_outbox_at_start()
    {
        string root, jobId;
        using (var first = new WebTestHost())
        {
            root = first.Root;
            jobId = await InsertJobAsync(first, j => (j.Name, j.Status, j.FinishedAt) = ("Old video", JobStatus.Succeeded, DateTime.UtcNow));
        }
        // Make it look like a database written before this change.
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(root, "sonicweb.db")};Pooling=False"))
        {
            await db.OpenAsync();
            var command = db.CreateCommand();
            command.CommandText = "DROP TABLE NotificationDeliveries; ALTER TABLE AspNetUsers DROP COLUMN EmailOptOut; "
                + string.Concat(new[] { "ReviewDecision", "ReviewComment", "ReviewedAt", "ReviewerId", "ReviewerName" }.Select(c => $"ALTER TABLE Jobs DROP COLUMN {c}; "));
            await command.ExecuteNonQueryAsync();
        }

        using var second = new WebTestHost(root);
        // The old finished job is now awaiting review and can be reviewed.
        Assert.Equal("Pending", (await GetJobAsync(second.Http, jobId)).GetProperty("review").GetProperty("state").GetString());
        using (var response = await ReviewAsync(second.Http, jobId, "approved"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Existing users receive emails (the opt-out column defaults to "not opted out"); the outbox works.
        Assert.Matches(EmailNotificationTests.EmailSwitchOn, await second.Http.GetStringAsync("/account/settings"));
        await EmailNotificationTests.Notifications(second).BatchFinishedAsync(new BatchOutcome("b", await AdminIdAsync(second), "After upgrade", 1, 0, 0, "/batches/b"), CancellationToken.None);
        Assert.Equal(DeliveryStatus.Skipped, Assert.Single(await DeliveriesAsync(second)).Status);
        Assert.Contains("After upgrade", await second.Http.GetStringAsync("/admin/notifications"));
    }

    private static Task<HttpResponseMessage> ReviewAsync(HttpClient client, string id, string decision, string? comment = null) =>
        client.PostAsJsonAsync($"/api/jobs/{id}/review", new { decision, comment });

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string messagePart)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
            Assert.Contains(messagePart, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
        }
    }

    private static async Task<List<string>> IdsAsync(HttpClient client, string query) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/jobs?" + query, Json)).GetProperty("items").EnumerateArray()
            .Select(j => j.GetProperty("id").GetString()!).ToList();
}
