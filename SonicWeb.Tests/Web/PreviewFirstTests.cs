using System.Net;
using System.Net.Http.Json;
using SonicWeb.Engine.Imaging;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;
using static SonicWeb.Tests.Web.WebTestKit;
using SonicWeb.Engine.Backends.BuiltIn;

namespace SonicWeb.Tests.Web;

/// <summary>"Preview first": the first frame is rendered at submit, the job waits for confirmation, then renders in full.</summary>
[Collection(WebCollection.Name)]
public sealed class PreviewFirstTests(ITestOutputHelper output) : IDisposable
{
    private readonly WebTestHost _host = new(backend: BuiltInBackend.Name); // the video must start like the engine's preview

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Preview_job_waits_with_a_first_frame_jpeg_until_confirmed_then_renders_a_video_that_starts_like_it()
    {
        var submitted = await SubmitAsync(_host.Http, TestMedia.AstronautPng, ShortSpeech,
            ("min_resolution", "256"), ("seed", "11"), ("preview_first", "true"), ("name", "preview test"));
        var id = submitted.GetProperty("id").GetString()!;
        Assert.Equal("AwaitingConfirmation", submitted.Status());
        Assert.Equal($"/api/jobs/{id}/confirm", submitted.GetProperty("links").GetProperty("confirm").GetString());
        Assert.Equal(0, submitted.GetProperty("attempts").GetInt32());

        using var previewResponse = await _host.Http.GetAsync($"/api/jobs/{id}/preview");
        Assert.Equal(HttpStatusCode.OK, previewResponse.StatusCode);
        Assert.Equal("image/jpeg", previewResponse.Content.Headers.ContentType?.MediaType);
        var previewFile = Path.Combine(TestMedia.WorkDir, $"preview-first-{id}.jpg");
        await File.WriteAllBytesAsync(previewFile, await previewResponse.Content.ReadAsByteArrayAsync());
        var preview = TestMedia.LoadRgb(previewFile);
        Assert.Equal((256, 256), (preview.Width, preview.Height));

        // The worker polls every 0.5 s in tests: it must leave the job alone.
        await Task.Delay(1500);
        var waiting = await GetJobAsync(_host.Http, id);
        Assert.Equal("AwaitingConfirmation", waiting.Status());
        Assert.Equal(0, waiting.GetProperty("attempts").GetInt32());
        Assert.False(File.Exists(Path.Combine(_host.Root, "outputs", id, "video.mp4")));

        using var confirm = await _host.Http.PostAsync($"/api/jobs/{id}/confirm", null);
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var confirmed = await confirm.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Json);
        Assert.Contains(confirmed.Status(), new[] { "Queued", "Running" });

        var done = await WaitForAsync(_host.Http, id, IsFinished, TimeSpan.FromSeconds(60));
        Assert.Equal("Succeeded", done.Status());
        Assert.Equal(1, done.GetProperty("attempts").GetInt32());
        using var again = await _host.Http.PostAsync($"/api/jobs/{id}/confirm", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        // The preview shows what the video shows: its first frame differs only by the small motion of frame 0.
        var video = Path.Combine(TestMedia.WorkDir, $"preview-first-{id}.mp4");
        await File.WriteAllBytesAsync(video, await _host.Http.GetByteArrayAsync($"/api/jobs/{id}/video"));
        var firstFrame = TestMedia.LoadRgb(video);
        double toFirstFrame = MeanAbsoluteDifference(preview, firstFrame);
        double toMirrored = MeanAbsoluteDifference(preview, Mirror(firstFrame));
        output.WriteLine($"preview vs first video frame: {toFirstFrame:0.00}; vs the frame mirrored: {toMirrored:0.00}");
        Assert.True(toFirstFrame < 12, $"preview vs first frame differ by {toFirstFrame:0.00} per channel");
        Assert.True(toFirstFrame < toMirrored / 2, $"{toFirstFrame:0.00} vs mirrored {toMirrored:0.00}");
    }

    [Fact]
    public async Task Preview_first_in_the_config_json_waits_and_a_waiting_job_cancels()
    {
        var submitted = await SubmitAsync(_host.Http, TestMedia.AstronautPng, ShortSpeech,
            ("config", "{\"min_resolution\": 256, \"preview_first\": true}"));
        var id = submitted.GetProperty("id").GetString()!;
        Assert.Equal("AwaitingConfirmation", submitted.Status());
        Assert.Equal(256, submitted.GetProperty("width").GetInt32());
        Assert.False(submitted.GetProperty("parameters").TryGetProperty("preview_first", out _)); // not a generation parameter

        using var cancel = await _host.Http.PostAsync($"/api/jobs/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("Cancelled", (await GetJobAsync(_host.Http, id)).Status());
        using var confirm = await _host.Http.PostAsync($"/api/jobs/{id}/confirm", null);
        Assert.Equal(HttpStatusCode.Conflict, confirm.StatusCode);

        using var bad = await _host.Http.PostAsync("/api/jobs", Form(TestMedia.AstronautPng, ShortSpeech, ("preview_first", "maybe")));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("preview_first", await bad.Content.ReadAsStringAsync());
    }

    private static double MeanAbsoluteDifference(RgbImage a, RgbImage b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        long sum = 0;
        int n = a.Width * a.Height * 3;
        for (int i = 0; i < n; i++) sum += Math.Abs(a.Pixels[i] - b.Pixels[i]);
        return (double)sum / n;
    }

    private static RgbImage Mirror(RgbImage image)
    {
        var result = new RgbImage(image.Width, image.Height);
        for (int y = 0; y < image.Height; y++)
        for (int x = 0; x < image.Width; x++)
            for (int c = 0; c < 3; c++)
                result.Pixels[(y * image.Width + x) * 3 + c] = image.Pixels[(y * image.Width + image.Width - 1 - x) * 3 + c];
        return result;
    }
}
