using System.Diagnostics;
using SonicWeb.Engine.Backends.BuiltIn;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Engine.Backends.ComfyUI;

/// <summary>
/// "comfyui-sonic": Sonic itself, run by the ComfyUI_Sonic nodes on a GPU box (a pool of ComfyUI hosts).
/// SonicWeb stays the queue, estimate, progress, history and notification layer: the shared
/// <see cref="InputAnalyser"/> refuses photos without a face before anything is uploaded (Sonic
/// crashes on them), the job takes a slot on a healthy host, the workflow comes from the
/// admin-editable template, and the remote video is re-muxed to the promised frames, size and audio.
/// </summary>
public sealed class ComfyUISonicBackend : IGenerationBackend, IBackendHealth
{
    public const string Name = "comfyui-sonic";

    private readonly ComfyUIOptions _options;
    private readonly EngineOptions _engine;
    private readonly InputAnalyser _analyser;
    private readonly BuiltInBackend _framing;
    private readonly TimeEstimator _estimator;
    private readonly ISonicWorkflowTemplates _templates;

    /// <param name="framing">Renders the "preview first" frame (with Sonic's square as the crop in face framing).</param>
    public ComfyUISonicBackend(ComfyUIOptions options, EngineOptions engine, InputAnalyser analyser, BuiltInBackend framing,
        TimeEstimator estimator, ISonicWorkflowTemplates templates, Func<HttpClient> http)
    {
        _options = options;
        _engine = engine;
        _analyser = analyser;
        _framing = framing;
        _estimator = estimator;
        _templates = templates;
        Pool = new ComfyUIHostPool(options, http);
        string[] honoured = ["min_resolution", "expand_ratio", "inference_steps", "dynamic_scale", "duration", "seed", "crop"];
        Description = new BackendDescription(Name, "Sonic on ComfyUI (GPU)", honoured.ToHashSet(),
            new BackendLimits(Math.Min(options.MaxAudioSeconds, engine.Limits.MaxAudioSeconds), options.MaxAudioSeconds, options.MinResolution, options.MaxResolution),
            TimeEstimator.BriefPrior)
        {
            // ComfyUI_Sonic's own node defaults (SONIC_PreData, SONICSampler): SonicWeb's 0.15 margin, tuned for the
            // built-in animator's crop, cuts hair and chin in Sonic's square; Sonic was tuned at 25 steps and scale 1.0.
            ParameterDefaults = new Dictionary<string, string>
            {
                ["expand_ratio"] = "0.5",
                ["inference_steps"] = "25",
                ["dynamic_scale"] = "1.0",
            },
            NotHonouredBecause = new Dictionary<string, string>
            {
                ["motion_scale"] = "Sonic moves the head from the voice itself; it has no head-motion setting.",
                ["align_mouth"] = "Sonic aligns the mouth with the voice itself.",
                ["smooth_motion"] = "Sonic's interframe model always smooths the motion.",
            },
        };
    }

    public BackendDescription Description { get; }

    public ComfyUIHostPool Pool { get; }

    public async Task<BackendHealth> CheckHealthAsync(CancellationToken ct = default)
    {
        if (Pool.Hosts.Count == 0) return new BackendHealth(false, "No ComfyUI host is configured (Backends:ComfyUI:Hosts:0:Url).", Configured: false);
        var hosts = await Pool.CheckAsync(ct);
        int up = hosts.Count(h => h.Healthy);
        var summary = up > 0
            ? $"{up} of {hosts.Count} ComfyUI host(s) up: " + string.Join("; ", hosts.Where(h => h.Healthy).Select(h => $"{h.Url} {h.Summary}"))
            : "No ComfyUI host answers: " + string.Join("; ", hosts.Select(h => $"{h.Url} {h.Summary}"));
        return new BackendHealth(up > 0, summary, new Dictionary<string, object> { ["hosts"] = hosts });
    }

    public async Task<InspectionResult> InspectAsync(string imagePath, string audioPath, GenerationParameters parameters, CancellationToken ct = default)
    {
        var inputs = await _analyser.AnalyseAsync(imagePath, audioPath, parameters, ct);
        Description.Limits.Enforce(inputs.Inspection, Name);
        return WithEstimate(inputs.Inspection, parameters);
    }

    public async Task<PreviewResult> RenderPreviewAsync(string imagePath, string audioPath, GenerationParameters parameters, CancellationToken ct = default)
    {
        // Face framing: the frame shows Sonic's square (the one uploaded), at the job's output size.
        var preview = await _framing.RenderPreviewAsync(imagePath, audioPath, parameters, inputs => parameters.Crop == CropMode.Face
            ? inputs.Inspection.Layout with { SourceCrop = SonicSquare(inputs, parameters).AsRect }
            : inputs.Inspection.Layout, ct);
        Description.Limits.Enforce(preview.Inspection, Name);
        return preview with { Inspection = WithEstimate(preview.Inspection, parameters) };
    }

    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var timings = new Dictionary<string, double>();
        progress?.Report(new GenerationProgress(GenerationStage.Loading, 0, 0, clock.Elapsed, null, null));
        var p = request.Parameters;
        var inputs = await _analyser.AnalyseAsync(request.ImagePath, request.AudioPath, p, ct, timings, progress, clock);
        var inspection = inputs.Inspection;
        Description.Limits.Enforce(inspection, Name);
        int frames = inspection.FrameCount;
        long seed = SonicWorkflow.SeedFor(p.Seed);

        using var lease = await Pool.AcquireAsync(ct);
        await CheckGpuMemoryAsync(lease, inspection, ct);
        var template = await _templates.GetAsync(ct);
        var run = new ComfyUIPromptRun(lease.Client, _options, frames, _engine, progress, clock);
        var jobTag = Guid.NewGuid().ToString("N")[..12];
        var folder = Path.GetDirectoryName(Path.GetFullPath(request.OutputPath))!;
        var remote = Path.Combine(folder, $".comfyui-{jobTag}.video");
        var square = Path.Combine(folder, $".comfyui-{jobTag}.png");
        try
        {
            var stage = Stopwatch.StartNew();
            var photo = p.Crop == CropMode.Face ? await WriteSonicSquareAsync(inputs, p, square, ct) : request.ImagePath;
            var history = await run.RunAsync(photo, request.AudioPath, jobTag, (image, audio, prefix) => SonicWorkflow.Build(template,
                new SonicWorkflowInputs(image, audio, Math.Min(inspection.Layout.Width, inspection.Layout.Height), inspection.VideoSeconds,
                    p.ExpandRatio, seed, p.InferenceSteps, p.DynamicScale, GenerationParameters.Fps, prefix)), ct);
            timings[GenerationStage.Rendering.ToString()] = stage.Elapsed.TotalSeconds;

            stage.Restart();
            progress?.Report(new GenerationProgress(GenerationStage.Finalizing, frames, frames, clock.Elapsed, null, null));
            await lease.Client.DownloadAsync(history.Video!, remote, ct);
            await ResultRemux.RunAsync(remote, request.AudioPath, request.OutputPath, inspection.Layout.Width, inspection.Layout.Height, frames,
                _engine.Ffmpeg, _engine.EncoderPreset, _engine.EncoderCrf, ct);
            timings[GenerationStage.Finalizing.ToString()] = stage.Elapsed.TotalSeconds;
        }
        catch (SonicEngineException e) when (e.Code == EngineErrorCodes.BackendUnavailable)
        {
            ComfyUIHostPool.Suspect(lease.Host);
            throw;
        }
        finally
        {
            if (File.Exists(remote)) File.Delete(remote);
            if (File.Exists(square)) File.Delete(square);
        }
        var warnings = inspection.Warnings.ToList();
        if (run.Reconnects > 0) warnings.Add($"The connection to the ComfyUI host dropped {run.Reconnects} time(s) and was restored; the video is complete.");
        progress?.Report(new GenerationProgress(GenerationStage.Completed, frames, frames, clock.Elapsed, TimeSpan.Zero, null));
        return new GenerationResult(request.OutputPath, frames, GenerationParameters.Fps, inspection.Layout.Width, inspection.Layout.Height,
            (double)frames / GenerationParameters.Fps, clock.Elapsed.TotalSeconds, (int)seed, warnings, timings);
    }

    /// <summary>
    /// Face framing: the square Sonic would cut around the face (<see cref="SonicCrop"/>, the one the new video page
    /// outlines), cut here and uploaded instead of the photo. Newer ComfyUI_Sonic versions animate the whole uploaded
    /// image and older ones cut their square from it; given the square, both animate what the user was shown, and the
    /// video is square like the job's face framing (no stretching in the re-mux).
    /// </summary>
    private static async Task<string> WriteSonicSquareAsync(AnalysedInputs inputs, GenerationParameters p, string path, CancellationToken ct)
    {
        var box = SonicSquare(inputs, p);
        await File.WriteAllBytesAsync(path, ImageEncoder.Png(inputs.Image.Cut(box.X1, box.Y1, box.Width, box.Height)), ct);
        return path;
    }

    private static SonicCropBox SonicSquare(AnalysedInputs inputs, GenerationParameters p)
        => SonicCrop.Compute(inputs.Image.Width, inputs.Image.Height, inputs.Inspection.Face.Face.Box, p.ExpandRatio);

    /// <summary>
    /// Refuses a job the host's GPU cannot hold (out_of_gpu_memory, with the figures and a suggestion)
    /// instead of letting Sonic crash halfway. The need is FreeGpuBaseBytes + FreeGpuBytesPerMegapixelSecond
    /// x megapixels x seconds; hosts that list no device (or a check turned off with 0) are not checked.
    /// </summary>
    private async Task CheckGpuMemoryAsync(ComfyUIHostPool.HostLease lease, InspectionResult job, CancellationToken ct)
    {
        if (_options.FreeGpuBaseBytes <= 0) return;
        var health = await lease.Host.CheckAsync(TimeSpan.FromSeconds(_options.HealthCacheSeconds), ct);
        if (health.TotalGpuBytes <= 0) return;
        int side = Math.Min(job.Layout.Width, job.Layout.Height);
        double need = _options.FreeGpuBaseBytes + _options.FreeGpuBytesPerMegapixelSecond * (side * (double)side / 1e6) * job.VideoSeconds;
        if (health.FreeGpuBytes < need)
            throw new SonicEngineException(EngineErrorCodes.OutOfGpuMemory,
                $"The GPU on {health.Url} has {health.FreeGpuBytes / 1073741824.0:0.0} GB free; a {side} px, {job.VideoSeconds:0.#} s video needs about {need / 1073741824.0:0.0} GB. Try a lower min_resolution or a shorter recording.");
    }

    private InspectionResult WithEstimate(InspectionResult analysis, GenerationParameters p) => analysis with
    {
        EstimatedSeconds = _estimator.EstimateSeconds(Name, analysis.VideoSeconds, Math.Min(analysis.Layout.Width, analysis.Layout.Height), p.InferenceSteps),
    };
}
