using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Data;
using SonicWeb.Notifications;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web;

/// <summary>
/// Email notifications end to end: the real app sends through a real SMTP server on loopback
/// (<see cref="SmtpTestServer"/>), and an SMTP outage delays the email, never the job.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class EmailNotificationTests
{
    private const string PublicBase = "https://sonic.example.test";

    /// <summary>The settings page's email switch (a MudSwitch; its checkbox carries aria-checked) is on.</summary>
    internal const string EmailSwitchOn = "id=\"email-enabled\"[^>]*aria-checked=\"true\"";

    public static Dictionary<string, string> EmailSettings(int port, double retrySeconds = 1) => new()
    {
        ["Email:Host"] = "127.0.0.1",
        ["Email:Port"] = port.ToString(),
        ["Email:From"] = "sonicweb@sonic.example.test",
        ["Email:PublicBaseUrl"] = PublicBase,
        ["Email:RetryInitialSeconds"] = retrySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email:RetryMaxSeconds"] = (retrySeconds * 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Job_outcomes_batches_and_the_opt_out_reach_the_submitter_through_a_real_smtp_server()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        using var host = new WebTestHost(settings: EmailSettings(smtp.Port));
        var (ana, _) = await host.CreateUserAsync("ana@sonic.example.test", "Operator", "Ana");

        // A real job: the email names it, says it succeeded, how long it took, and links to its page.
        var id = (await SubmitAsync(ana, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("name", "Spring greeting"))).GetProperty("id").GetString()!;
        var job = await WaitForAsync(ana, id, IsFinished, TimeSpan.FromSeconds(90));
        Assert.Equal("Succeeded", job.Status());
        var anaId = job.GetProperty("ownerId").GetString()!;
        var mail = await smtp.WaitForAsync(m => m.Subject.Contains("Spring greeting"), TimeSpan.FromSeconds(30));
        Assert.Equal(["ana@sonic.example.test"], mail.RcptTos);
        Assert.Contains("ana@sonic.example.test", mail.To);
        Assert.Equal("sonicweb@sonic.example.test", mail.MailFrom);
        Assert.Equal("SonicWeb: \"Spring greeting\" succeeded", mail.Subject);
        Assert.Contains("Hello Ana,", mail.Text);
        Assert.Matches(@"Status:\s+Succeeded", mail.Text);
        Assert.Matches(@"Duration:\s+\d+\.\d s", mail.Text);
        Assert.Contains($"Job page:   {PublicBase}/jobs/{id}\n", mail.Text);
        Assert.DoesNotContain("Reason:", mail.Text);

        // A failed job (recorded directly: the engine's failures have their own tests): the email gives the reason.
        var failedId = await InsertJobAsync(host, j =>
        {
            (j.Name, j.OwnerId, j.Status) = ("Broken upload", anaId, JobStatus.Failed);
            (j.ErrorCode, j.ErrorMessage) = ("no_face", "No face was found in the photo.");
            (j.StartedAt, j.FinishedAt) = (DateTime.UtcNow.AddSeconds(-4), DateTime.UtcNow);
        });
        await Notifications(host).JobFinishedAsync(failedId, CancellationToken.None);
        var failed = await smtp.WaitForAsync(m => m.Subject.Contains("Broken upload"), TimeSpan.FromSeconds(30));
        Assert.Equal("SonicWeb: \"Broken upload\" failed", failed.Subject);
        Assert.Matches(@"Status:\s+Failed", failed.Text);
        Assert.Contains("Reason:     No face was found in the photo. (no_face)", failed.Text);
        Assert.Contains($"{PublicBase}/jobs/{failedId}", failed.Text);

        // A batch (the batch code calls this when its last job ends): one email with the counts and the batch page.
        await Notifications(host).BatchFinishedAsync(new BatchOutcome("batch42", anaId, "Catalogue", 3, 1, 1, "/batches/batch42"), CancellationToken.None);
        var batch = await smtp.WaitForAsync(m => m.Subject.Contains("Catalogue"), TimeSpan.FromSeconds(30));
        Assert.Equal("SonicWeb: batch \"Catalogue\" finished (3 succeeded, 1 failed, 1 cancelled)", batch.Subject);
        Assert.Matches(@"Succeeded:\s+3", batch.Text);
        Assert.Matches(@"Failed:\s+1", batch.Text);
        Assert.Contains($"Batch page: {PublicBase}/batches/batch42", batch.Text);

        // Ana turns emails off in her settings: the next notification is recorded as skipped and not sent.
        var settings = await ana.GetStringAsync("/account/settings");
        Assert.Matches(EmailSwitchOn, settings);
        using (var saved = await ana.PostAsync("/account/email-notifications", new FormUrlEncodedContent(new Dictionary<string, string>
                   { ["__RequestVerificationToken"] = Token(settings) })))
            Assert.Equal("/account/settings?email=off#email", saved.Headers.Location?.OriginalString);
        Assert.DoesNotMatch(EmailSwitchOn, await ana.GetStringAsync("/account/settings"));
        int before = smtp.Received().Count;
        // Her next finished job (a new ending: the first job's was announced already, and one ending is announced once).
        var quietId = await InsertJobAsync(host, j =>
        {
            (j.Name, j.OwnerId, j.Status) = ("Quiet greeting", anaId, JobStatus.Succeeded);
            (j.StartedAt, j.FinishedAt) = (DateTime.UtcNow.AddSeconds(-4), DateTime.UtcNow);
        });
        await Notifications(host).JobFinishedAsync(quietId, CancellationToken.None);
        var skipped = (await DeliveriesAsync(host)).First();
        Assert.Equal((DeliveryStatus.Skipped, "the user turned email notifications off"), (skipped.Status, skipped.LastError));
        await Task.Delay(1500); // give the sender the chance to (wrongly) send it
        Assert.Equal(before, smtp.Received().Count);

        // The admin page lists every delivery with its state; the three sent ones carry the outbox id they were sent as.
        var rows = await DeliveriesAsync(host);
        Assert.Equal(3, rows.Count(r => r.Status == DeliveryStatus.Sent && r.Attempts == 1));
        Assert.Equal(rows.Where(r => r.Status == DeliveryStatus.Sent).Select(r => r.Id.ToString()).Order(),
            smtp.Received().Select(m => m.DeliveryHeader).Order());
        var page = await host.Http.GetStringAsync("/admin/notifications");
        Assert.Contains("127.0.0.1:" + smtp.Port, page);
        Assert.Equal(3, Regex.Matches(page, "data-status=\"Sent\"").Count);
        Assert.Contains("the user turned email notifications off", page);
        ana.Dispose();
    }

    [Fact]
    public async Task An_smtp_outage_delays_the_email_but_not_the_job_and_the_email_arrives_when_the_server_is_back()
    {
        int port = SmtpTestServer.FreePort(); // nothing listens here yet: the mail server is "down"
        using var host = new WebTestHost(settings: EmailSettings(port));
        var (bo, _) = await host.CreateUserAsync("bo@sonic.example.test", "Operator", "Bo");

        var id = (await SubmitAsync(bo, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"), ("name", "During the outage"))).GetProperty("id").GetString()!;
        Assert.Equal("Succeeded", (await WaitForAsync(bo, id, IsFinished, TimeSpan.FromSeconds(90))).Status());

        // The job is done; its email waits in the outbox with the connection error, and is retried.
        var waiting = await WaitForDeliveryAsync(host, d => d.JobId == id && d.Attempts >= 2, TimeSpan.FromSeconds(30));
        Assert.Equal(DeliveryStatus.Pending, waiting.Status);
        Assert.False(string.IsNullOrEmpty(waiting.LastError));
        Assert.True(waiting.NextAttemptAt > waiting.LastAttemptAt, "a failed attempt schedules the next one later");
        var problems = await host.Http.GetStringAsync("/admin/notifications?show=problems");
        Assert.Contains($"data-delivery-id=\"{waiting.Id}\"", problems);
        Assert.Contains("Connection refused", waiting.LastError);
        Assert.Contains(WebUtility.HtmlEncode(waiting.LastError!), problems);

        // The server comes back on the same port: the next retry delivers the email.
        await using var smtp = await SmtpTestServer.StartAsync(port);
        var mail = await smtp.WaitForAsync(m => m.Subject.Contains("During the outage"), TimeSpan.FromSeconds(30));
        Assert.Equal(["bo@sonic.example.test"], mail.RcptTos);
        Assert.Contains($"{PublicBase}/jobs/{id}", mail.Text);
        var sent = await WaitForDeliveryAsync(host, d => d.Id == waiting.Id && d.Status == DeliveryStatus.Sent, TimeSpan.FromSeconds(10));
        Assert.True(sent.Attempts >= 3);
        Assert.Null(sent.LastError);
        Assert.Single(smtp.Received()); // sent once, not once per failed attempt
        bo.Dispose();
    }

    [Fact]
    public async Task Without_email_settings_notifications_are_recorded_as_skipped_and_the_admin_page_says_so()
    {
        using var host = new WebTestHost();
        var adminId = await AdminIdAsync(host);
        await Notifications(host).BatchFinishedAsync(new BatchOutcome("b1", adminId, "Quiet batch", 1, 0, 0, "/batches/b1"), CancellationToken.None);
        var row = Assert.Single(await DeliveriesAsync(host));
        Assert.Equal((DeliveryStatus.Skipped, "email not configured (Email:Host is empty)", "b1"), (row.Status, row.LastError, row.BatchId));

        var page = await host.Http.GetStringAsync("/admin/notifications");
        Assert.Contains("id=\"not-configured\"", page);
        Assert.Contains("Quiet batch", page);
        // The test button says plainly that nothing can be sent.
        using var test = await host.Http.PostAsync("/admin/notifications/test", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["__RequestVerificationToken"] = Token(page) }));
        Assert.Contains("not%20configured", test.Headers.Location?.OriginalString);
    }

    [Fact]
    public void Retry_delays_double_from_the_initial_wait_up_to_the_maximum()
    {
        var options = new EmailOptions { RetryInitialSeconds = 30, RetryMaxSeconds = 600 };
        Assert.Equal([30, 60, 120, 240, 480, 600, 600], Enumerable.Range(1, 7).Select(n => options.RetryDelay(n).TotalSeconds));
        Assert.Empty(new EmailOptions().Problems()); // not configured is valid
        var problems = new EmailOptions { Host = "smtp.example", From = "not an address", PublicBaseUrl = "/relative" }.Problems().ToList();
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Email:From"));
        Assert.Contains(problems, p => p.StartsWith("Email:PublicBaseUrl"));
    }

    public static IUserNotifications Notifications(WebTestHost host) => host.Services.GetRequiredService<IUserNotifications>();

    public static string Token(string page) => Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

    public static async Task<string> InsertJobAsync(WebTestHost host, Action<Job> set)
    {
        var job = new Job { ImageFileName = "x.png", AudioFileName = "x.wav" };
        set(job);
        await using var context = await host.Services.GetRequiredService<IDbContextFactory<SonicDbContext>>().CreateDbContextAsync();
        context.Jobs.Add(job);
        await context.SaveChangesAsync();
        return job.Id;
    }

    public static async Task<string> AdminIdAsync(WebTestHost host)
    {
        await using var context = await host.Services.GetRequiredService<IDbContextFactory<SonicDbContext>>().CreateDbContextAsync();
        return await context.Users.Where(u => u.Email == WebTestHost.AdminEmail).Select(u => u.Id).SingleAsync();
    }

    public static Task<IReadOnlyList<NotificationDelivery>> DeliveriesAsync(WebTestHost host) =>
        host.Services.GetRequiredService<NotificationQueries>().RecentAsync(null, problemsOnly: false);

    private static async Task<NotificationDelivery> WaitForDeliveryAsync(WebTestHost host, Func<NotificationDelivery, bool> match, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var rows = await DeliveriesAsync(host);
            if (rows.FirstOrDefault(match) is { } found) return found;
            if (DateTime.UtcNow > until)
                throw new TimeoutException("no matching delivery; have: " + string.Join(" | ", rows.Select(r => $"{r.Id} {r.Status} {r.Attempts} {r.LastError}")));
            await Task.Delay(200);
        }
    }
}
