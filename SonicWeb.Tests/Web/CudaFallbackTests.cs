using System.Net.Http.Json;
using System.Text.Json;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Web;

/// <summary>
/// Engine:Onnx:UseCuda=true on this build (the CPU-only ONNX Runtime package) and on a machine without a
/// GPU: the app logs one warning naming what is missing, /health says the models run on the CPU and why,
/// and jobs still produce videos.
/// </summary>
[Collection(WebCollection.Name)]
public class CudaFallbackTests
{
    [Fact]
    public async Task Cuda_requested_on_the_cpu_build_warns_once_in_the_log_reports_the_cpu_on_health_and_still_makes_the_video()
    {
        using var host = new WebTestHost(settings: new() { ["Engine:Onnx:UseCuda"] = "true" });

        var job = await WebTestKit.SubmitAsync(host.Http, TestMedia.AstronautPng, WebTestKit.ShortSpeech, ("min_resolution", "256"), ("seed", "3"));
        var id = job.GetProperty("id").GetString()!;
        var done = await WebTestKit.WaitForAsync(host.Http, id, WebTestKit.IsFinished, TimeSpan.FromMinutes(3));
        Assert.Equal("Succeeded", done.Status());
        var video = Path.Combine(TestMedia.WorkDir, $"cuda-fallback-{id}.mp4");
        await File.WriteAllBytesAsync(video, await host.Http.GetByteArrayAsync($"/api/jobs/{id}/video"));
        var (width, height, duration, codecs) = WebTestKit.Probe(video);
        Assert.Equal((256, 256), (width, height));
        Assert.Equal(TestMedia.ProbeDuration(WebTestKit.ShortSpeech), duration, 0.1);
        Assert.Equal("h264,aac", codecs);

        var health = await host.Http.GetFromJsonAsync<JsonElement>("/health");
        var onnx = health.GetProperty("checks").GetProperty("onnx");
        Assert.Equal("Degraded", onnx.GetProperty("status").GetString());
        var data = onnx.GetProperty("data");
        Assert.Equal("CPUExecutionProvider", data.GetProperty("executionProvider").GetString());
        Assert.True(data.GetProperty("cudaRequested").GetBoolean());
        Assert.Contains("CPU-only", data.GetProperty("cudaProblem").GetString());
        Assert.Contains("CPUExecutionProvider", onnx.GetProperty("description").GetString());

        // The app's JSON log (<Storage:Root>/logs): exactly one warning for both models (the health check
        // service also logs the Degraded result; that line quotes the reason, not this message).
        var warnings = await WaitForLogLinesAsync(host.Root, "\"message\":\"CUDA was requested", TimeSpan.FromSeconds(10));
        var warning = Assert.Single(warnings);
        Assert.Contains("\"Warning\"", warning);
        Assert.Contains("Engine:Onnx:UseCuda", warning);
        Assert.Contains("OnnxRuntimeFlavor=Gpu", warning);
        Assert.Contains("run on the CPU", warning);
    }

    [Fact]
    public async Task Without_cuda_health_reports_the_cpu_provider_and_is_healthy()
    {
        using var host = new WebTestHost();
        var onnx = (await host.Http.GetFromJsonAsync<JsonElement>("/health")).GetProperty("checks").GetProperty("onnx");
        Assert.Equal("Healthy", onnx.GetProperty("status").GetString());
        Assert.Equal("CPUExecutionProvider", onnx.GetProperty("data").GetProperty("executionProvider").GetString());
        Assert.False(onnx.GetProperty("data").GetProperty("cudaRequested").GetBoolean());
        Assert.Equal(2, onnx.GetProperty("data").GetProperty("sessions").EnumerateObject().Count()); // BlazeFace and Silero
    }

    /// <summary>Log lines containing <paramref name="text"/>; the file logger writes in the background, so wait for the first.</summary>
    private static async Task<List<string>> WaitForLogLinesAsync(string root, string text, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var lines = Directory.GetFiles(Path.Combine(root, "logs"), "*.jsonl")
                .SelectMany(f => File.ReadAllLines(f)).Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();
            if (lines.Count > 0 || DateTime.UtcNow > until) return lines;
            await Task.Delay(100);
        }
    }
}
