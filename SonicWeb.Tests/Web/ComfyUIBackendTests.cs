using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SonicWeb.Backends;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Backends.ComfyUI;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Errors;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web;

/// <summary>
/// The comfyui-sonic backend against <see cref="ComfyUIStandIn"/>, a ComfyUI that speaks the real
/// protocol over real HTTP and WebSocket on loopback and renders a real MP4 with ffmpeg. Jobs go
/// through the REST API with backend=comfyui-sonic; the default backend stays the tests' fake.
/// </summary>
[Collection(ProcessCollection.Name)] // waits on the stand-in's simulated GPU: balances the two lanes (see ProcessCollection)
public sealed class ComfyUIBackendTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    private static Dictionary<string, string> Settings(params string[] urls)
    {
        var settings = new Dictionary<string, string>
        {
            ["Backends:ComfyUI:ReconnectDelaySeconds"] = "0.2",
            ["Backends:ComfyUI:ReconnectGiveUpSeconds"] = "10",
            ["Backends:ComfyUI:HealthCacheSeconds"] = "0.5",
            ["Backends:ComfyUI:RequestTimeoutSeconds"] = "5",
        };
        for (int i = 0; i < urls.Length; i++) settings[$"Backends:ComfyUI:Hosts:{i}:Url"] = urls[i];
        return settings;
    }

    private static Task<JsonElement> SubmitRemoteAsync(WebTestHost host, params (string, string)[] fields) =>
        SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, [("backend", ComfyUISonicBackend.Name), ("min_resolution", "256"), .. fields]);

    [Fact]
    public async Task A_job_through_the_REST_API_runs_on_ComfyUI_with_progress_previews_and_the_promised_duration_and_streams()
    {
        await using var comfy = new ComfyUIStandIn();
        using var host = new WebTestHost(settings: Settings(comfy.Url));
        var stages = new HashSet<string>();
        int maxFrames = 0;
        var submitted = await SubmitRemoteAsync(host, ("inference_steps", "12"), ("seed", "0"));
        Assert.Equal(ComfyUISonicBackend.Name, submitted.GetProperty("backend").GetString());
        var job = await WaitForAsync(host.Http, submitted.GetProperty("id").GetString()!, IsFinished, Long, j =>
        {
            if (j.GetProperty("stage").GetString() is { } s) stages.Add(s);
            maxFrames = Math.Max(maxFrames, j.GetProperty("framesDone").GetInt32());
        });
        Assert.True(job.Status() == "Succeeded", job.ToString());

        // The workflow reached ComfyUI with SonicWeb's values on the Sonic nodes, seed 0 replaced.
        var prompt = Assert.Single(comfy.Prompts);
        var sampler = prompt.First(n => n.Value!["class_type"]!.GetValue<string>() == "SONICSampler").Value!["inputs"]!;
        var pre = prompt.First(n => n.Value!["class_type"]!.GetValue<string>() == "SONIC_PreData").Value!["inputs"]!;
        Assert.Equal(12, sampler["inference_steps"]!.GetValue<int>());
        Assert.Equal(25, sampler["fps"]!.GetValue<double>());
        Assert.NotEqual(0, sampler["seed"]!.GetValue<long>());
        Assert.Equal(sampler["seed"]!.GetValue<long>(), job.GetProperty("seed").GetInt32());
        Assert.Equal(256, pre["min_resolution"]!.GetValue<int>());
        // Sonic's own defaults for what the job left unset (ComfyUI_Sonic's nodes); what it set wins.
        var parameters = job.GetProperty("parameters");
        Assert.Equal(0.5, parameters.GetProperty("expand_ratio").GetDouble());
        Assert.Equal(1.0, parameters.GetProperty("dynamic_scale").GetDouble());
        Assert.Equal(12, parameters.GetProperty("inference_steps").GetInt32());
        Assert.Equal(1.0, sampler["dynamic_scale"]!.GetValue<double>());
        // The job reports the video's length in whole frames; Sonic got the audio's length (within one frame of it).
        Assert.InRange(pre["duration"]!.GetValue<double>() - job.GetProperty("videoSeconds").GetDouble(), -0.02, 0.02);

        // Progress and previews from the socket reached the job.
        Assert.Equal(12, comfy.ProgressMessagesSent);
        Assert.True(comfy.PreviewsSent >= 12);
        Assert.Contains("Rendering", stages);
        Assert.True(maxFrames > 0, "frames done never moved");
        using (var thumb = await host.Http.GetAsync($"/api/jobs/{job.GetProperty("id").GetString()}/thumbnail"))
        {
            Assert.Equal(HttpStatusCode.OK, thumb.StatusCode);
            var bytes = await thumb.Content.ReadAsByteArrayAsync();
            Assert.True(bytes.Length > 100 && bytes[0] == 0xFF && bytes[1] == 0xD8, "the preview JPEG became the thumbnail");
        }

        // The stand-in's video had no audio and Sonic's own length rounding; SonicWeb's has both streams at the promised length.
        var video = Path.Combine(host.Root, "outputs", job.GetProperty("id").GetString()!, "video.mp4");
        if (!File.Exists(video)) video = Directory.GetFiles(host.Root, "*.mp4", SearchOption.AllDirectories).Single(f => f.Contains(job.GetProperty("id").GetString()!));
        var facts = VideoFacts.Probe(video);
        int frames = (int)Math.Round(job.GetProperty("videoSeconds").GetDouble() * 25);
        Assert.Equal("h264", facts.VideoCodec);
        Assert.Equal("aac", facts.AudioCodec);
        Assert.Equal(frames, facts.FrameCount);
        Assert.Equal(job.GetProperty("width").GetInt32(), facts.Width);
        Assert.Equal(frames / 25.0, facts.AudioSeconds!.Value, 1);
    }

    [Fact]
    public async Task Unset_parameters_take_the_jobs_backends_defaults_and_the_estimate_uses_that_backend()
    {
        await using var comfy = new ComfyUIStandIn();
        using var host = new WebTestHost(settings: Settings(comfy.Url));
        async Task<JsonElement> Estimate(object body)
        {
            using var response = await host.Http.PostAsJsonAsync("/api/estimate", body);
            var json = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.IsSuccessStatusCode, json.ToString());
            return json;
        }
        // Before any job has run, a backend's estimate is its prior: Sonic's rule of thumb at Sonic's 25 steps.
        var sonic = await Estimate(new { backend = ComfyUISonicBackend.Name, audio_seconds = 10, min_resolution = 512 });
        Assert.Equal(ComfyUISonicBackend.Name, sonic.GetProperty("backend").GetString());
        double rule = TimeEstimator.BriefPrior.Estimate(sonic.GetProperty("videoSeconds").GetDouble(), sonic.GetProperty("width").GetInt32(), 25);
        Assert.InRange(sonic.GetProperty("estimateSeconds").GetDouble(), rule * 0.95, rule * 1.05);
        var fewerSteps = await Estimate(new { backend = ComfyUISonicBackend.Name, audio_seconds = 10, min_resolution = 512, inference_steps = 10 });
        Assert.True(fewerSteps.GetProperty("estimateSeconds").GetDouble() < sonic.GetProperty("estimateSeconds").GetDouble() * 0.6, fewerSteps.ToString());
        var local = await Estimate(new { audio_seconds = 10, min_resolution = 512 }); // the installation's default backend (a CPU one here)
        Assert.NotEqual(ComfyUISonicBackend.Name, local.GetProperty("backend").GetString());
        Assert.True(local.GetProperty("estimateSeconds").GetDouble() < sonic.GetProperty("estimateSeconds").GetDouble() / 4, local.ToString());

        // A job on the default backend keeps SonicWeb's defaults; a comfyui-sonic job with a preset-like config keeps the value it gives.
        var localJob = await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"));
        Assert.Equal(0.15, localJob.GetProperty("parameters").GetProperty("expand_ratio").GetDouble());
        Assert.Equal(20, localJob.GetProperty("parameters").GetProperty("inference_steps").GetInt32());
        var remote = await SubmitRemoteAsync(host, ("config", "{\"expand_ratio\": 0.3}"), ("dynamic_scale", ""));
        Assert.Equal(0.3, remote.GetProperty("parameters").GetProperty("expand_ratio").GetDouble());
        Assert.Equal(1.0, remote.GetProperty("parameters").GetProperty("dynamic_scale").GetDouble()); // blank = default
        Assert.Equal(25, remote.GetProperty("parameters").GetProperty("inference_steps").GetInt32());
    }

    [Fact]
    public async Task Cancel_while_queued_deletes_our_prompt_and_never_interrupts_the_running_one()
    {
        await using var comfy = new ComfyUIStandIn();
        using var host = new WebTestHost(settings: Settings(comfy.Url));
        comfy.CloseGate();
        comfy.QueueForeignPrompt();
        var id = (await SubmitRemoteAsync(host)).GetProperty("id").GetString()!;
        await WaitUntilAsync(() => comfy.Prompts.Count == 1 && comfy.PendingIds.Count == 2, "our prompt waits behind the other one");
        using (var cancel = await host.Http.PostAsync($"/api/jobs/{id}/cancel", null)) Assert.True(cancel.IsSuccessStatusCode, await cancel.Content.ReadAsStringAsync());
        var job = await WaitForAsync(host.Http, id, IsFinished, Long);
        Assert.Equal("Cancelled", job.Status());
        await WaitUntilAsync(() => comfy.Deleted.Count == 1, "the prompt was deleted from ComfyUI's queue");
        Assert.Single(comfy.PendingIds); // the other user's prompt is still there
        Assert.Equal(0, comfy.Interrupts);
    }

    [Fact]
    public async Task While_our_prompt_waits_behind_others_on_the_host_the_job_shows_how_many_are_ahead_then_runs()
    {
        await using var comfy = new ComfyUIStandIn();
        using var host = new WebTestHost(settings: new(Settings(comfy.Url)) { ["Backends:ComfyUI:QueuePollSeconds"] = "0.2" });
        comfy.CloseGate();
        comfy.QueueForeignPrompt();
        comfy.QueueForeignPrompt();
        var id = (await SubmitRemoteAsync(host)).GetProperty("id").GetString()!;
        var waiting = await WaitForAsync(host.Http, id, j => j.GetProperty("stage").GetString() == "waiting on GPU host: 2 ahead", Long);
        Assert.Equal("Running", waiting.Status());
        Assert.Equal("waiting on GPU host: 2 ahead", waiting.GetProperty("stageText").GetString());
        Assert.Equal(3, comfy.PendingIds.Count); // ours waits in ComfyUI's queue behind the two others

        comfy.Gate.TrySetResult(); // the other users' prompts run, then ours
        var stages = new HashSet<string>();
        var job = await WaitForAsync(host.Http, id, IsFinished, Long, j => { if (j.GetProperty("stage").GetString() is { } s) stages.Add(s); });
        Assert.True(job.Status() == "Succeeded", job.ToString());
        Assert.Contains("Rendering", stages);
        Assert.Equal("Completed", job.GetProperty("stage").GetString());
    }

    [Fact]
    public async Task Cancel_while_running_interrupts_our_prompt()
    {
        await using var comfy = new ComfyUIStandIn { StepDelay = TimeSpan.FromMilliseconds(500) };
        using var host = new WebTestHost(settings: Settings(comfy.Url));
        var id = (await SubmitRemoteAsync(host, ("inference_steps", "60"))).GetProperty("id").GetString()!;
        await WaitUntilAsync(() => comfy.StepsDone >= 2, "the sampler runs");
        using (var cancel = await host.Http.PostAsync($"/api/jobs/{id}/cancel", null)) Assert.True(cancel.IsSuccessStatusCode);
        var job = await WaitForAsync(host.Http, id, IsFinished, Long);
        Assert.Equal("Cancelled", job.Status());
        Assert.Equal(1, comfy.Interrupts);
        Assert.Empty(comfy.Deleted);
        Assert.False(job.GetProperty("hasVideo").GetBoolean());
    }

    [Fact]
    public async Task A_dropped_socket_mid_job_is_reconnected_and_the_job_still_succeeds()
    {
        await using var comfy = new ComfyUIStandIn { StepDelay = TimeSpan.FromMilliseconds(80), DropSocketAfterStep = 3 };
        using var host = new WebTestHost(settings: Settings(comfy.Url));
        var id = (await SubmitRemoteAsync(host, ("inference_steps", "20"))).GetProperty("id").GetString()!;
        var job = await WaitForAsync(host.Http, id, IsFinished, Long);
        Assert.True(job.Status() == "Succeeded", job.ToString());
        Assert.Equal(1, comfy.SocketsDropped);
        Assert.Single(comfy.Prompts); // reconciled, not submitted again
        Assert.Contains(job.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("dropped 1 time"));
    }

    [Fact]
    public async Task A_ComfyUI_restart_mid_job_resubmits_the_job_once()
    {
        await using var comfy = new ComfyUIStandIn { StepDelay = TimeSpan.FromMilliseconds(50), RestartAfterStep = 3 };
        using var host = new WebTestHost(settings: Settings(comfy.Url));
        var id = (await SubmitRemoteAsync(host, ("inference_steps", "10"))).GetProperty("id").GetString()!;
        var job = await WaitForAsync(host.Http, id, IsFinished, Long);
        Assert.True(job.Status() == "Succeeded", job.ToString());
        Assert.Equal(1, comfy.Restarts);
        Assert.Equal(2, comfy.Prompts.Count); // lost by the restart, submitted once more
    }

    [Fact]
    public async Task A_preset_can_choose_the_backend_and_the_admin_page_shows_the_hosts()
    {
        await using var comfy = new ComfyUIStandIn();
        using var host = new WebTestHost(settings: Settings(comfy.Url));
        var presets = host.Services.GetRequiredService<SonicWeb.Presets.PresetService>();
        await presets.CreateAsync("On the GPU", null, """{"backend": "comfyui-sonic", "min_resolution": 256}""");
        var submitted = await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("preset", "On the GPU"));
        Assert.Equal(ComfyUISonicBackend.Name, submitted.GetProperty("backend").GetString());
        var job = await WaitForAsync(host.Http, submitted.GetProperty("id").GetString()!, IsFinished, Long);
        Assert.True(job.Status() == "Succeeded", job.ToString());
        Assert.Single(comfy.Prompts);

        var page = await host.Http.GetStringAsync("/admin/backends");
        Assert.Contains("comfyui-sonic", page);
        Assert.Contains(comfy.Url.TrimEnd('/'), page);
        Assert.Contains("Stand-in GPU", page);
    }

    [Fact]
    public async Task Out_of_GPU_memory_fails_the_job_with_a_reason_and_a_suggestion()
    {
        await using var comfy = new ComfyUIStandIn { FailSamplerWith = "CUDA out of memory. Tried to allocate 2.00 GiB" };
        using var host = new WebTestHost(settings: Settings(comfy.Url));
        var id = (await SubmitRemoteAsync(host)).GetProperty("id").GetString()!;
        var job = await WaitForAsync(host.Http, id, IsFinished, Long);
        Assert.Equal("Failed", job.Status());
        var error = job.GetProperty("error");
        Assert.Equal("out_of_gpu_memory", error.GetProperty("code").GetString());
        Assert.Contains("lower min_resolution", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task With_the_host_down_the_backend_is_unhealthy_its_jobs_fail_clearly_and_builtin_jobs_still_run()
    {
        string deadUrl;
        await using (var gone = new ComfyUIStandIn()) deadUrl = gone.Url; // a port nobody listens on any more
        using var host = new WebTestHost(settings: Settings(deadUrl));

        var states = await host.Services.GetRequiredService<GenerationBackends>().StatusAsync();
        var remote = states.Single(s => s.Name == ComfyUISonicBackend.Name);
        Assert.False(remote.Available);
        Assert.Contains("cannot be reached", remote.Health.Summary);
        Assert.True(states.Single(s => s.Name == FakeBackend.Name).Available);
        Assert.Equal("motion_scale", remote.Description.NotHonouredBecause.Keys.First());
        Assert.NotNull(remote.WhyNotHonoured("motion_scale"));
        Assert.Null(remote.WhyNotHonoured("inference_steps"));

        var health = await host.Anonymous().GetFromJsonAsync<JsonElement>("/health");
        var backends = health.GetProperty("checks").GetProperty("backends");
        Assert.Equal("Degraded", backends.GetProperty("status").GetString());
        Assert.Contains("comfyui-sonic: unavailable", backends.GetProperty("description").GetString());

        var failed = await WaitForAsync(host.Http, (await SubmitRemoteAsync(host)).GetProperty("id").GetString()!, IsFinished, Long);
        Assert.Equal("Failed", failed.Status());
        Assert.Equal("backend_unavailable", failed.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains(deadUrl.TrimEnd('/'), failed.GetProperty("error").GetProperty("message").GetString());

        var other = await SubmitAsync(host.Http, TestMedia.AstronautPng, ShortSpeech, ("min_resolution", "256"));
        Assert.Equal("Succeeded", (await WaitForAsync(host.Http, other.GetProperty("id").GetString()!, IsFinished, Long)).Status());
    }

    [Fact]
    public async Task A_second_host_takes_the_job_when_the_first_is_down()
    {
        string deadUrl;
        await using (var gone = new ComfyUIStandIn()) deadUrl = gone.Url;
        await using var comfy = new ComfyUIStandIn();
        using var host = new WebTestHost(settings: Settings(deadUrl, comfy.Url));
        var job = await WaitForAsync(host.Http, (await SubmitRemoteAsync(host)).GetProperty("id").GetString()!, IsFinished, Long);
        Assert.True(job.Status() == "Succeeded", job.ToString());
        Assert.Single(comfy.Prompts);
    }

    [Fact]
    public async Task An_edited_workflow_template_is_checked_on_save_and_used_by_the_next_job()
    {
        await using var comfy = new ComfyUIStandIn();
        using var host = new WebTestHost(settings: Settings(comfy.Url));
        var store = host.Services.GetRequiredService<WorkflowTemplateStore>();

        var broken = await Assert.ThrowsAsync<InputRejectedException>(() => store.SaveAsync("""{"1": {"class_type": "LoadImage", "inputs": {"image": "{{photo}}"}}}""", "admin", default));
        Assert.Contains("{{photo}}", broken.Message);
        Assert.Contains("never uses {{audio}}", broken.Message);
        Assert.Equal(SonicWorkflow.DefaultTemplate, await store.GetAsync(default));

        await store.SaveAsync(SonicWorkflow.DefaultTemplate.Replace("\"unet.pth\"", "\"sonic-unet-v2.pth\""), "admin", default);
        var job = await WaitForAsync(host.Http, (await SubmitRemoteAsync(host)).GetProperty("id").GetString()!, IsFinished, Long);
        Assert.True(job.Status() == "Succeeded", job.ToString());
        var loader = Assert.Single(comfy.Prompts).First(n => n.Value!["class_type"]!.GetValue<string>() == "SONICTLoader").Value!["inputs"]!;
        Assert.Equal("sonic-unet-v2.pth", loader["sonic_unet"]!.GetValue<string>());

        await store.ResetAsync(default);
        Assert.Equal(SonicWorkflow.DefaultTemplate, await store.GetAsync(default));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Long;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("timed out waiting until " + what);
            await Task.Delay(50);
        }
    }
}
