using System.Text.Json;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web;

[Collection(WebCollection.Name)]
public sealed class JobsHubTests
{
    [Fact]
    public async Task A_watcher_receives_ordered_progress_with_rising_frame_counts_then_the_final_status()
    {
        using var host = new WebTestHost(settings: Paced()); // renders long enough for several throttled pushes
        // "Preview first" holds the job until it is confirmed, so the watcher surely joins before its first
        // frame, however slow the machine is.
        // Long enough (about 9 s, 384 px) that even an idle machine renders for a couple of seconds, so the
        // progress throttle (at most ten pushes a second) lets several rendering events through.
        var id = (await SubmitAsync(host.Http, TestMedia.AstronautPng, LongSpeech, ("min_resolution", "384"), ("seed", "2"), ("preview_first", "true")))
            .GetProperty("id").GetString()!;

        await using var hub = await JobsHubClient.ConnectAsync(host.BaseAddress, host.Cookies);
        var joined = await hub.JoinAsync(id);
        Assert.Equal(id, joined.GetProperty("id").GetString());
        using (var confirm = await host.Http.PostAsync($"/api/jobs/{id}/confirm", null))
            Assert.Equal(System.Net.HttpStatusCode.OK, confirm.StatusCode);

        var progress = new List<JsonElement>();
        JsonElement? final = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var (target, payload) in hub.Messages.ReadAllAsync(timeout.Token))
        {
            if (target == "progress") progress.Add(payload);
            else if (target == "status" && IsFinished(payload)) { final = payload; break; }
        }

        Assert.NotNull(final);
        Assert.Equal("Succeeded", final.Value.Status());
        Assert.All(progress, p => Assert.Equal(id, p.GetProperty("jobId").GetString()));
        var sequence = progress.Select(p => p.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequence.OrderBy(s => s), sequence);
        var rendering = progress.Where(p => p.GetProperty("stage").GetString() == "Rendering").Select(p => p.GetProperty("framesDone").GetInt32()).ToList();
        Assert.True(rendering.Count >= 3, $"only {rendering.Count} rendering events");
        Assert.True(rendering.Zip(rendering.Skip(1)).All(pair => pair.Second > pair.First), string.Join(",", rendering));
        Assert.Contains(progress, p => p.TryGetProperty("previewUrl", out var url) && url.ValueKind == JsonValueKind.String);
        Assert.Equal("Completed", progress[^1].GetProperty("stage").GetString());
        Assert.Equal(final.Value.GetProperty("framesTotal").GetInt32(), progress[^1].GetProperty("framesDone").GetInt32());
    }
}
