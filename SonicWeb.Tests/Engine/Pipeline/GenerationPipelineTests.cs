using System.Diagnostics;
using SonicWeb.Engine.Audio;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;
using SonicWeb.Engine.Animation;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Pipeline;

/// <summary>
/// The whole engine end to end: real photo, espeak-ng speech with pauses, real models, real ffmpeg;
/// assertions on the MP4 that comes out.
/// </summary>
[Collection(EngineCollection.Name)]
public class GenerationPipelineTests(EngineFixture engine, ITestOutputHelper output)
{
    private const double PauseSeconds = 1.2;
    private static readonly SemaphoreSlim TalkGate = new(1, 1);
    private static (string Video, string Audio, List<(double Start, double End)> Silences, GenerationResult Result)? _talk;

    /// <summary>A 384x384 video of the astronaut saying three phrases with pauses, head still (motion_scale 0).</summary>
    private async Task<(string Video, string Audio, List<(double Start, double End)> Silences, GenerationResult Result)> TalkAsync()
    {
        await TalkGate.WaitAsync();
        try
        {
            if (_talk is { } done) return done;
            var audio = TestMedia.SpeechWithPauses("pipeline-talk", PauseSeconds, out var silences,
                "Welcome to our shop", "this jacket is waterproof", "and it comes in blue");
            var video = Path.Combine(TestMedia.WorkDir, "pipeline-talk.mp4");
            var result = await engine.Backend.GenerateAsync(new GenerationRequest(TestMedia.AstronautPng, audio, video,
                new GenerationParameters { MinResolution = 384, MotionScale = 0, Seed = 7 }));
            _talk = (video, audio, silences, result);
            return _talk.Value;
        }
        finally { TalkGate.Release(); }
    }

    [Fact]
    public async Task Generate_writes_an_h264_aac_mp4_as_long_as_the_audio_with_every_frame()
    {
        var (video, audio, _, result) = await TalkAsync();
        var audioSeconds = TestMedia.ProbeDuration(audio);
        var facts = VideoFacts.Probe(video);
        output.WriteLine($"{facts} (audio {audioSeconds:0.000} s, made in {result.ElapsedSeconds:0.0} s)");

        Assert.Equal("h264", facts.VideoCodec);
        Assert.Equal("aac", facts.AudioCodec);
        Assert.Equal("yuv420p", facts.PixelFormat);
        Assert.Equal(25, facts.FrameRate, 6);
        Assert.Equal((384, 384), (facts.Width, facts.Height));
        Assert.Equal(GenerationParameters.FrameCountFor(audioSeconds), facts.FrameCount);
        Assert.Equal(result.Frames, facts.FrameCount);
        Assert.InRange(facts.VideoSeconds, audioSeconds - 0.04, audioSeconds + 0.04);
        Assert.InRange(facts.AudioSeconds!.Value, audioSeconds - 0.04, audioSeconds + 0.04);
        Assert.Equal(7, result.Seed);
    }

    [Fact]
    public async Task The_mouth_in_the_output_moves_with_loudness_and_rests_in_the_pauses()
    {
        var (video, audioPath, silences, result) = await TalkAsync();
        var frames = VideoFrames.Decode(video, result.Width, result.Height);
        Assert.Equal(result.Frames, frames.Count);

        // Where the mouth is in the output: the lip landmarks mapped through the framing, with room
        // below for the dropping jaw.
        var image = await ImageLoader.LoadAsync(TestMedia.AstronautPng, new MediaLimits(), CancellationToken.None);
        var face = new SonicWeb.Engine.Faces.FaceAnalyzer(engine.Models.FaceDetector, engine.Models.LandmarkNet, 64).Analyze(image);
        var layout = Framing.Compute(image.Width, image.Height, face.Face.Box, CropMode.Face, 0.15f, 384);
        float scale = layout.Width / layout.SourceCrop.Width;
        var lips = face.Landmarks.Points.Skip(48).ToList();
        int x0 = (int)((lips.Min(p => p.X) - layout.SourceCrop.X) * scale) - 4;
        int x1 = (int)((lips.Max(p => p.X) - layout.SourceCrop.X) * scale) + 4;
        int y0 = (int)((lips.Min(p => p.Y) - layout.SourceCrop.Y) * scale) - 4;
        int y1 = (int)((lips.Max(p => p.Y) - layout.SourceCrop.Y) * scale) + (x1 - x0) / 3;

        var rest = new RgbImage(layout.Width, layout.Height);
        // At rest between phrases the lips are together (the photo's smile shows teeth; they are covered).
        new FaceRenderer(image, face.Landmarks, layout).Render(FacePose.AtRest, rest.Pixels);
        var mouthChange = frames.Select(f => VideoFrames.MeanAbsDiff(f, rest, x0, y0, x1, y1)).ToList();
        var cornerChange = frames.Select(f => VideoFrames.MeanAbsDiff(f, rest, 0, 0, 40, 40)).ToList();

        var clip = await AudioLoader.LoadAsync(audioPath, new MediaLimits(), CancellationToken.None);
        var loudness = LoudnessEnvelope.PerFrame(clip.Samples, clip.SampleRate, 25, frames.Count).Select(v => (double)v).ToList();

        var pauseFrames = silences.SelectMany(s => Enumerable.Range((int)((s.Start + 0.25) * 25), (int)((s.End - s.Start - 0.5) * 25))).ToList();
        var loudFrames = Enumerable.Range(0, frames.Count).Where(i => loudness[i] > 0.6).ToList();
        double inPauses = pauseFrames.Average(i => mouthChange[i]);
        double inSpeech = loudFrames.Average(i => mouthChange[i]);
        double correlation = VideoFrames.Correlation(mouthChange, loudness);
        output.WriteLine($"mouth change: pauses {inPauses:0.00}, loud speech {inSpeech:0.00}; correlation with loudness {correlation:0.00}; corner change max {cornerChange.Max():0.00}");

        Assert.True(inPauses < 4.0, $"mouth is not at rest in the pauses (mean change {inPauses:0.00})");
        Assert.True(inSpeech > 10.0, $"mouth barely moves in loud speech (mean change {inSpeech:0.00})");
        Assert.True(inSpeech > 5 * inPauses);
        Assert.True(correlation > 0.5, $"mouth opening follows loudness poorly (r = {correlation:0.00})");
        Assert.True(cornerChange.Max() < 3.0, "the background corner changed although motion_scale is 0");
    }

    [Fact]
    public async Task Rendering_on_the_lowered_engine_threads_gives_the_same_frames()
    {
        var audio = TestMedia.Speech("Nice and slow.", "nice-speech");
        async Task<List<RgbImage>> Make(int nice)
        {
            var path = Path.Combine(TestMedia.WorkDir, $"nice-{nice}.mp4");
            var r = await engine.With(o => o.Nice = nice).GenerateAsync(new GenerationRequest(TestMedia.AstronautPng, audio, path,
                new GenerationParameters { MinResolution = 256, Seed = 42 }));
            return VideoFrames.Decode(path, r.Width, r.Height);
        }
        var plain = await Make(0);
        var lowered = await Make(10);
        Assert.Equal(plain.Count, lowered.Count);
        for (int i = 0; i < plain.Count; i++)
            Assert.True(plain[i].Pixels.AsSpan().SequenceEqual(lowered[i].Pixels), $"frame {i} differs with Engine:Nice 10");
    }

    [Fact]
    public async Task The_same_seed_gives_identical_frames_and_another_seed_other_head_motion()
    {
        var audio = TestMedia.Speech("Same seed, same video.", "seed-speech");
        async Task<List<RgbImage>> Make(int seed, string name)
        {
            var path = Path.Combine(TestMedia.WorkDir, name + ".mp4");
            var r = await engine.Backend.GenerateAsync(new GenerationRequest(TestMedia.AstronautPng, audio, path,
                new GenerationParameters { MinResolution = 256, Seed = seed }));
            return VideoFrames.Decode(path, r.Width, r.Height);
        }
        var a = await Make(42, "seed-a");
        var b = await Make(42, "seed-b");
        var c = await Make(43, "seed-c");
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
            Assert.True(a[i].Pixels.AsSpan().SequenceEqual(b[i].Pixels), $"frame {i} differs between two runs with seed 42");
        Assert.Contains(Enumerable.Range(0, a.Count), i => !a[i].Pixels.AsSpan().SequenceEqual(c[i].Pixels));
    }

    [Fact]
    public async Task Progress_reports_stages_in_order_every_frame_and_previews_at_most_twice_a_second()
    {
        var audio = TestMedia.Speech("Progress is reported for every frame of the video.", "progress-speech");
        var events = new List<GenerationProgress>();
        var clock = Stopwatch.StartNew();
        var result = await engine.Backend.GenerateAsync(new GenerationRequest(TestMedia.AstronautPng, audio,
            Path.Combine(TestMedia.WorkDir, "progress.mp4"), new GenerationParameters { MinResolution = 384 }), new SyncProgress(events.Add));
        var wall = clock.Elapsed;

        var stages = events.Select(e => e.Stage).Distinct().ToList();
        Assert.Equal([GenerationStage.Loading, GenerationStage.AnalyzingFace, GenerationStage.AnalyzingAudio,
            GenerationStage.Rendering, GenerationStage.Finalizing, GenerationStage.Completed], stages);
        var rendering = events.Where(e => e.Stage == GenerationStage.Rendering).ToList();
        Assert.Equal(Enumerable.Range(1, result.Frames), rendering.Select(e => e.FramesDone));
        Assert.All(rendering, e => Assert.Equal(result.Frames, e.FramesTotal));
        Assert.Contains(rendering, e => e.Remaining != null);

        var previews = events.Where(e => e.PreviewJpeg != null).ToList();
        Assert.NotEmpty(previews);
        Assert.All(previews, e => Assert.True(e.PreviewJpeg![0] == 0xFF && e.PreviewJpeg[1] == 0xD8, "preview is not a JPEG"));
        Assert.True(previews.Count <= wall.TotalSeconds * 2 + 1, $"{previews.Count} previews in {wall.TotalSeconds:0.0} s");
        var first = Path.Combine(TestMedia.ArtifactsDir, "progress-preview.jpg");
        File.WriteAllBytes(first, previews[^1].PreviewJpeg!);
        var decoded = TestMedia.LoadRgb(first);
        Assert.True(Math.Max(decoded.Width, decoded.Height) <= engine.Options.PreviewMaxSide);
    }

    [Fact]
    public async Task A_photo_without_a_face_fails_with_no_face_before_any_encoding()
    {
        var noFace = Path.Combine(TestMedia.WorkDir, "no-face.png");
        if (!File.Exists(noFace))
            TestMedia.Run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x480", "-frames:v", "1", noFace);
        var output = Path.Combine(TestMedia.WorkDir, "no-face.mp4");
        var stages = new List<GenerationStage>();
        var e = await Assert.ThrowsAsync<SonicEngineException>(() => engine.Backend.GenerateAsync(
            new GenerationRequest(noFace, TestMedia.Speech("hello", "hello"), output, new GenerationParameters()),
            new SyncProgress(p => stages.Add(p.Stage))));
        Assert.Equal(EngineErrorCodes.NoFace, e.Code);
        Assert.Contains("No face found", e.Message);
        Assert.DoesNotContain(GenerationStage.Rendering, stages);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task A_face_below_the_configured_minimum_fails_with_face_too_small_naming_the_limit()
    {
        var pipeline = engine.With(o => o.MinFaceSizePixels = 300);
        var e = await Assert.ThrowsAsync<SonicEngineException>(() => pipeline.InspectAsync(
            TestMedia.AstronautPng, TestMedia.Speech("hello", "hello"), new GenerationParameters()));
        Assert.Equal(EngineErrorCodes.FaceTooSmall, e.Code);
        Assert.Contains("minimum is 300 pixels", e.Message);
    }

    public static TheoryData<string, string> BadInputs => new()
    {
        { "empty-image", EngineErrorCodes.UnsupportedImage },
        { "text-as-image", EngineErrorCodes.UnsupportedImage },
        { "truncated-png", EngineErrorCodes.UnsupportedImage },
        { "image-as-audio", EngineErrorCodes.UnsupportedAudio },
        { "empty-audio", EngineErrorCodes.AudioEmpty },
        { "truncated-audio", EngineErrorCodes.UnsupportedAudio },
        { "huge-image-file", EngineErrorCodes.FileTooLarge },
        { "too-many-pixels", EngineErrorCodes.ImageTooLarge },
        { "too-long-audio", EngineErrorCodes.AudioTooLong },
        { "bad-parameter", EngineErrorCodes.InvalidParameter },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_inputs_fail_with_their_code_and_a_message_naming_the_problem(string kind, string code)
    {
        string image = TestMedia.AstronautPng, audio = TestMedia.Speech("hello there", "hello-there");
        var parameters = new GenerationParameters { MinResolution = 256 };
        var pipeline = engine.Backend;
        string Scratch(string name, byte[] bytes) { var p = Path.Combine(TestMedia.WorkDir, name); File.WriteAllBytes(p, bytes); return p; }
        switch (kind)
        {
            case "empty-image": image = Scratch("empty.png", []); break;
            case "text-as-image": image = Scratch("text.png", "this is not a picture"u8.ToArray()); break;
            case "truncated-png": image = Scratch("truncated.png", File.ReadAllBytes(TestMedia.AstronautPng)[..5000]); break;
            case "image-as-audio": audio = TestMedia.AstronautPng; break;
            case "empty-audio": audio = Scratch("empty.wav", []); break;
            case "truncated-audio": audio = Scratch("truncated.mp3", File.ReadAllBytes(TestMedia.Convert(audio, "hello.mp3"))[..200]); break;
            case "huge-image-file": pipeline = engine.With(o => o.Limits = o.Limits with { MaxImageBytes = 1000 }); break;
            case "too-many-pixels": pipeline = engine.With(o => o.Limits = o.Limits with { MaxImagePixels = 100_000 }); break;
            case "too-long-audio": pipeline = engine.With(o => o.Limits = o.Limits with { MaxAudioSeconds = 0.5 }); break;
            case "bad-parameter": parameters = parameters with { DynamicScale = 9 }; break;
        }
        var outputPath = Path.Combine(TestMedia.WorkDir, $"bad-{kind}.mp4");
        var e = await Assert.ThrowsAnyAsync<SonicEngineException>(() => pipeline.GenerateAsync(new GenerationRequest(image, audio, outputPath, parameters)));
        output.WriteLine($"{kind}: {e.Code}: {e.Message}");
        Assert.Equal(code, e.Code);
        Assert.True(e.IsBadInput);
        Assert.False(File.Exists(outputPath));
        if (kind is "huge-image-file" or "too-many-pixels" or "too-long-audio")
            Assert.Matches("limit|maximum|longest|at most", e.Message);
    }

    [Fact]
    public async Task Cancelling_mid_run_stops_ffmpeg_within_a_second_and_leaves_no_files()
    {
        var dir = Directory.CreateTempSubdirectory("cancel-").FullName;
        var audio = TestMedia.SpeechWithPauses("cancel-long", 0.5, out _, "one two three four five six seven eight nine ten",
            "eleven twelve thirteen fourteen fifteen");
        using var cts = new CancellationTokenSource();
        var cancelledAt = new TaskCompletionSource<Stopwatch>();
        var progress = new SyncProgress(p =>
        {
            if (p.FramesDone >= 10 && !cts.IsCancellationRequested)
            {
                cancelledAt.TrySetResult(Stopwatch.StartNew());
                cts.Cancel();
            }
        });
        var run = engine.Backend.GenerateAsync(new GenerationRequest(TestMedia.AstronautPng, audio, Path.Combine(dir, "talk.mp4"),
            new GenerationParameters { MinResolution = 1024 }), progress, cts.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var sinceCancel = (await cancelledAt.Task).Elapsed;
        output.WriteLine($"stopped {sinceCancel.TotalMilliseconds:0} ms after the cancel");
        Assert.True(sinceCancel < TimeSpan.FromSeconds(1), $"took {sinceCancel.TotalMilliseconds:0} ms to stop");
        Assert.Empty(ProcessesMentioning(dir));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    /// <summary>Live processes whose command line contains <paramref name="text"/> (other tests' ffmpeg runs are ignored).</summary>
    private static List<int> ProcessesMentioning(string text)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var state = File.ReadAllLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("State:")) ?? "";
                if (cmdline.Contains(text) && !state.Contains("zombie")) found.Add(pid);
            }
            catch (IOException) { } // the process ended while we looked
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    /// <summary>IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to the pool, which races assertions).</summary>
    private sealed class SyncProgress(Action<GenerationProgress> report) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => report(value);
    }
}
