using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Quality;
using SonicWeb.Engine.Rendering;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Quality;

/// <summary>
/// Issue 13 on real inputs (test-media/quality/, see docs/quality.md): a smiling photo with a real,
/// noisy voice, espeak speech with known phoneme timing for the bilabials, and a group photo. Every
/// figure is measured on rendered or decoded frames, never taken from the animator's poses.
/// </summary>
[Collection(EngineCollection.Name)]
public class RealUseQualityTests(EngineFixture engine, ITestOutputHelper output)
{
    private const int Fps = 25;

    /// <param name="againstStill">Measure against the photo framed as the video and not animated, as the quality report
    /// does (needed for the jaw measure; without it the first decoded frame is the reference).</param>
    private async Task<(VideoQualityReport Report, InspectionResult Inspection, string Video)> GenerateAsync(string image, string audio, string name,
        double motionScale = 0, bool againstStill = false)
    {
        var parameters = new GenerationParameters { MinResolution = 384, MotionScale = motionScale, Seed = 5 };
        string video = Path.Combine(TestMedia.WorkDir, name + ".mp4");
        var inspection = await engine.Backend.InspectAsync(image, audio, parameters);
        await engine.Backend.GenerateAsync(new GenerationRequest(image, audio, video, parameters));
        var clip = await AudioLoader.LoadAsync(audio, new MediaLimits(), CancellationToken.None);
        RgbImage? still = null;
        if (againstStill)
        {
            var photo = await ImageLoader.LoadAsync(image, new MediaLimits(), CancellationToken.None);
            still = Render(new FaceRenderer(photo, inspection.Face.Landmarks, inspection.Layout, inspection.Face.OtherFaces), FacePose.Neutral);
        }
        var report = await VideoQualityAnalyzer.AnalyseAsync(video, inspection.Face.Landmarks, inspection.Layout, clip, Fps, sheetEvery: 4, still);
        File.WriteAllBytes(Path.Combine(TestMedia.ArtifactsDir, $"quality-{name}-mouth.png"), ImageEncoder.Png(report.MouthSheet));
        return (report, inspection, video);
    }

    [Fact]
    public async Task A_smiling_mouth_closes_in_the_pauses_of_a_noisy_real_recording()
    {
        // A man on an amateur HF radio link: hiss under every pause. The photo smiles with its teeth showing.
        string photo = TestMedia.QualitySet("smile-teeth-man.jpg"), voice = TestMedia.QualitySet("voice-en-male-hf-radio.wav");
        var (report, inspection, video) = await GenerateAsync(photo, voice, "smile-hf-radio");
        var sync = report.Sync;
        output.WriteLine($"pause/speech {sync.SilenceShare:P1} over {sync.SilenceFrames}/{sync.SpeechFrames} frames; corr {sync.Correlation:0.00} at {sync.BestLagMs:+0;-0} ms");
        Assert.True(sync.SilenceFrames >= 10, $"only {sync.SilenceFrames} pause frames were found in the recording");
        Assert.True(sync.SilenceShare <= 0.10, $"the mouth is {sync.SilenceShare:P1} as open in the pauses as in speech (target <= 10%)");
        Assert.True(sync.Correlation >= 0.65, $"opening follows loudness with r = {sync.Correlation:0.00} (target >= 0.65)");

        // The teeth the photo shows are covered by the lips in the pauses: bright, barely coloured pixels in
        // the mouth region, counted on the decoded frames, against the photo framed the same way.
        // Where teeth can show: between the mouth corners and the outer lip lines.
        var lips = inspection.Face.Landmarks.Points;
        var teethBox = PixelRegion.FromSource(inspection.Layout, lips[48].X, MathF.Min(lips[50].Y, lips[52].Y), lips[54].X, lips[57].Y);
        var photoImage = await ImageLoader.LoadAsync(photo, new MediaLimits(), CancellationToken.None);
        var still = new RgbImage(inspection.Layout.Width, inspection.Layout.Height);
        new FaceRenderer(photoImage, inspection.Face.Landmarks, inspection.Layout).Render(FacePose.Neutral, still.Pixels);
        int photoTeeth = TeethPixels(still, teethBox);
        var pauseTeeth = new List<int>();
        await VideoFrameReader.ReadAsync(video, inspection.Layout.Width, inspection.Layout.Height, (i, frame) =>
        {
            if (i < report.Speech.Frames && report.Speech.Pause[i]) pauseTeeth.Add(TeethPixels(frame, teethBox));
        });
        double meanPauseTeeth = pauseTeeth.Average();
        output.WriteLine($"teeth pixels: photo {photoTeeth}, pauses {meanPauseTeeth:0.0} on average");
        Assert.True(photoTeeth > 100, $"the photo shows only {photoTeeth} teeth pixels; the test needs a smile with teeth");
        // About a fifth remain, at the far corners of the smile where the closure tapers off (docs/quality.md).
        Assert.True(meanPauseTeeth < 0.3 * photoTeeth, $"{meanPauseTeeth:0} teeth pixels remain in the pauses ({photoTeeth} in the photo)");
    }

    [Fact]
    public async Task The_jaw_meter_reads_red_lips_as_shut_in_the_pauses_and_open_in_speech()
    {
        // The phone photo (red lipstick, JPEG noise, stored sideways) with a French phone-codec voice, head motion on.
        // Its lips are shut in every pause (contact sheets), but they are darker in luma than half the skin, so the
        // cavity measure read the pauses as more open than speech (138% in the report). The jaw measure does not
        // look at colour: it finds the chin's texture against the still photo.
        string photo = TestMedia.QualitySet("phone-photo-exif-rotated.jpg"), voice = TestMedia.QualitySet("voice-fr-female-gsm.wav");
        var (report, _, _) = await GenerateAsync(photo, voice, "lipstick-gsm", motionScale: 1.05, againstStill: true);
        var jaw = report.JawSync;
        double speechDrop = Enumerable.Range(0, report.Speech.Frames).Where(i => report.Speech.Speech[i]).Average(i => report.JawOpening[i]);
        output.WriteLine($"jaw: pause/speech {jaw.SilenceShare:P1} over {jaw.SilenceFrames}/{jaw.SpeechFrames} frames, corr {jaw.Correlation:0.00} at {jaw.BestLagMs:+0;-0} ms, " +
                         $"mean drop in speech {speechDrop:0.000} of the mouth width; cavity: pause/speech {report.Sync.SilenceShare:P1}, corr {report.Sync.Correlation:0.00}");
        Assert.True(jaw.SilenceFrames >= 30, $"only {jaw.SilenceFrames} pause frames were found in the recording");
        Assert.True(speechDrop > 0.04, $"the jaw measure sees the jaw drop only {speechDrop:0.000} of the mouth width in speech");
        Assert.True(jaw.SilenceShare <= 0.10, $"the jaw is {jaw.SilenceShare:P1} as low in the pauses as in speech (target <= 10%)");
        Assert.True(jaw.Correlation >= 0.65, $"the jaw follows loudness with r = {jaw.Correlation:0.00} (target >= 0.65)");
    }

    [Fact]
    public async Task The_jaw_meter_finds_the_drop_the_renderer_gave_and_ignores_lips_closing_over_teeth()
    {
        // Rendered poses of a smiling photo with teeth, framed as a 384 px video, encoded and decoded by ffmpeg.
        string path = TestMedia.QualitySet("smile-teeth-man.jpg");
        var image = await ImageLoader.LoadAsync(path, new MediaLimits(), CancellationToken.None);
        var face = new FaceAnalyzer(engine.Models.FaceDetector, engine.Models.LandmarkNet, 64).Analyze(image);
        var layout = Framing.Compute(image.Width, image.Height, face.Face.Box, CropMode.Face, 0.15f, 384);
        var renderer = new FaceRenderer(image, face.Landmarks, layout);
        var still = Render(renderer, FacePose.Neutral);
        FacePose[] poses =
        [
            FacePose.Neutral, FacePose.AtRest, new(0, 0, 0, 0, 0, 0, 0, 0, MouthPress: 1, LipClosure: 1),
            new(0.3f, 0, 0, 0, 0, 0, 0, 0), new(0.6f, 0, 0, 0, 0, 0, 0, 0), new(1.0f, 0, 0, 0, 0, 0, 0, 0),
            // The same wide opening with the head turned and moved: the upper block follows the head.
            new(1.0f, 0, 0, 0.08f, 0.05f, 0.03f, 0.02f, 0.01f),
        ];
        string video = Path.Combine(TestMedia.WorkDir, "jaw-poses.mp4");
        await EncodeAsync(poses.Select(p => Render(renderer, p)).ToList(), video);
        var meter = new JawMeter(face.Landmarks, layout, still);
        var drops = new List<float>();
        await VideoFrameReader.ReadAsync(video, layout.Width, layout.Height, (_, frame) => drops.Add(meter.Measure(frame).Drop));
        output.WriteLine("drops: " + string.Join(", ", drops.Select(d => d.ToString("0.000"))));
        Assert.Equal(poses.Length, drops.Count);
        Assert.True(Math.Abs(drops[0]) < 0.01, $"the still itself reads {drops[0]:0.000}");
        // Closing the lips over the teeth moves the lips, not the jaw: never read as open.
        Assert.True(drops[1] < 0.01 && drops[2] < 0.01, $"closed lips read {drops[1]:0.000} / pressed {drops[2]:0.000}");
        Assert.True(drops[3] > 0.02 && drops[4] > drops[3] + 0.02 && drops[5] > drops[4] + 0.02, "the drop does not grow with the opening");
        Assert.True(Math.Abs(drops[6] - drops[5]) < 0.25 * drops[5], $"head motion changed the reading from {drops[5]:0.000} to {drops[6]:0.000}");
    }

    private static async Task EncodeAsync(IReadOnlyList<RgbImage> frames, string video)
    {
        string raw = video + ".rgb";
        await using (var file = File.Create(raw))
            foreach (var f in frames) await file.WriteAsync(f.Pixels);
        var psi = new System.Diagnostics.ProcessStartInfo("ffmpeg", ["-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
            "-s", $"{frames[0].Width}x{frames[0].Height}", "-r", "25", "-i", raw, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "20", video]);
        using var process = System.Diagnostics.Process.Start(psi)!;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }

    [Theory]
    [InlineData("en-us")]
    [InlineData("en-gb")] // voiced b's between vowels: too short for the frame-rate spectrum (FormantDips)
    public async Task Bilabial_consonants_close_the_lips(string voice)
    {
        // espeak-ng reports each phoneme's time while it speaks, so p, b and m frames are known exactly.
        string audio = Path.Combine(TestMedia.WorkDir, $"bilabials-{voice}.wav");
        // The quality report's espeak script (tools/SonicWeb.Quality/QualityCase.cs), where the issue sets the target.
        // On another sentence ("... My puppy is a bit mad.") the mean was 20% with one p/b/m at 67% (docs/quality.md).
        var phonemes = EspeakPhonemes.Synthesise("<speak>Hello, my name is Anna. <break time=\"800ms\"/> " +
            "Papa and mama bought a big bag of apples. <break time=\"900ms\"/> We sell cool blue shoes, <break time=\"600ms\"/> and see you soon!</speak>", voice, audio);
        var (report, _, _) = await GenerateAsync(TestMedia.AstronautPng, audio, $"bilabials-{voice}");
        var closure = ClosureStatistics.Compute(report.Opening, Fps, phonemes);
        output.WriteLine($"{closure.Consonants} p/b/m: mean {closure.MeanShare:P0} of the median vowel opening {closure.VowelMedian:0.000}, worst {closure.WorstShare:P0}");
        Assert.True(closure.Consonants >= 10, $"only {closure.Consonants} p/b/m phonemes were reported");
        Assert.True(closure.VowelMedian > 0.05, $"the vowels barely open the mouth ({closure.VowelMedian:0.000})");
        Assert.True(closure.MeanShare <= 0.20, $"p/b/m frames are {closure.MeanShare:P0} as open as vowels (target <= 20%)");
    }

    [Fact]
    public async Task A_t_keeps_the_lips_apart_where_p_and_b_close_them()
    {
        // t and d go as silent as p and b before their release, so loudness alone shut the lips on every t (about a
        // fifth of a vowel's opening). The tongue's release burst is high and bright where the lips' is low and flat.
        string audio = Path.Combine(TestMedia.WorkDir, "alveolar-stops.wav");
        var phonemes = EspeakPhonemes.Synthesise("<speak>Ten tired tailors sat at the table. <break time=\"800ms\"/> " +
            "Tom put two pots on top of a tent, <break time=\"600ms\"/> and Dad baked bread today.</speak>", "en-us", audio);
        var (report, _, _) = await GenerateAsync(TestMedia.AstronautPng, audio, "alveolar-stops");
        var tongue = ClosureStatistics.Compute(report.Opening, Fps, phonemes, consonants: p => p.IsAlveolarStop);
        var lips = ClosureStatistics.Compute(report.Opening, Fps, phonemes);
        output.WriteLine($"{tongue.Consonants} t/d: mean {tongue.MeanShare:P0} of the median vowel opening {tongue.VowelMedian:0.000}, most closed {tongue.LeastShare:P0}");
        output.WriteLine($"{lips.Consonants} p/b/m: mean {lips.MeanShare:P0}, worst {lips.WorstShare:P0}");
        Assert.True(tongue.Consonants >= 12, $"only {tongue.Consonants} t/d phonemes were reported");
        Assert.True(lips.Consonants >= 6, $"only {lips.Consonants} p/b/m phonemes were reported");
        Assert.True(tongue.MeanShare >= 0.30, $"t/d frames are only {tongue.MeanShare:P0} as open as vowels: the lips close as for p and b (target >= 30%)");
        Assert.True(lips.MeanShare <= 0.20, $"p/b/m frames are {lips.MeanShare:P0} as open as vowels in the same sentences (target <= 20%)");
    }

    [Fact]
    public async Task In_a_group_photo_only_the_largest_face_moves()
    {
        string path = TestMedia.QualitySet("group-four-women.jpg");
        var image = await ImageLoader.LoadAsync(path, new MediaLimits(), CancellationToken.None);
        var face = new FaceAnalyzer(engine.Models.FaceDetector, engine.Models.LandmarkNet, 64).Analyze(image);
        output.WriteLine($"{face.FacesFound} faces; animated {face.Face.Box}; others {string.Join(", ", face.OtherFaces)}");
        Assert.True(face.OtherFaces.Count >= 2, $"expected several faces, found {face.FacesFound}");
        Assert.Contains(face.Warnings, w => w.Contains("the others stay still"));
        Assert.Equal(face.Face.Box.Area, new[] { face.Face.Box }.Concat(face.OtherFaces).Max(b => b.Area));

        // The whole photo in frame, the chosen face talking, blinking and moving its head.
        var layout = Framing.Compute(image.Width, image.Height, face.Face.Box, CropMode.Full, 0.15f, 384);
        var talking = new FacePose(0.9f, 0.2f, 1, 0.08f, 0.05f, 0.03f, 0.02f, 0.01f);
        var renderer = new FaceRenderer(image, face.Landmarks, layout, face.OtherFaces);
        var rest = Render(renderer, FacePose.Neutral);
        var moved = Render(renderer, talking);
        // Without the other faces held still, the body's follow of the head motion moves them too.
        var unheld = new FaceRenderer(image, face.Landmarks, layout);
        var unheldMoved = Render(unheld, talking);

        foreach (var other in face.OtherFaces)
        {
            // The face itself (the middle 70% of its detector box); its outline next to a talking neighbour may stretch.
            var box = PixelRegion.FromSource(layout, other.X + 0.15f * other.Width, other.Y + 0.15f * other.Height, other.Right - 0.15f * other.Width, other.Bottom - 0.15f * other.Height);
            int held = MaxDiff(rest, moved, box), free = MaxDiff(Render(unheld, FacePose.Neutral), unheldMoved, box);
            output.WriteLine($"other face {other}: max change {held} levels held, {free} without holding");
            Assert.True(held <= 1, $"a face that is not animated changed by {held} levels");
            Assert.True(free > 8, $"the check cannot fail: without holding, the face changed only {free} levels");
        }
        var own = PixelRegion.FromSource(layout, face.Face.Box.X, face.Face.Box.Y, face.Face.Box.Right, face.Face.Box.Bottom);
        Assert.True(MaxDiff(rest, moved, own) > 40, "the animated face did not change");
    }

    private static RgbImage Render(FaceRenderer renderer, FacePose pose)
    {
        var image = new RgbImage(renderer.Width, renderer.Height);
        renderer.Render(pose, image.Pixels);
        return image;
    }

    private static int MaxDiff(RgbImage a, RgbImage b, PixelRegion r)
    {
        int max = 0;
        for (int y = r.Y0; y < r.Y1; y++)
            for (int x = r.X0; x < r.X1; x++)
                for (int c = 0; c < 3; c++)
                {
                    int i = y * a.Stride + 3 * x + c;
                    max = Math.Max(max, Math.Abs(a.Pixels[i] - b.Pixels[i]));
                }
        return max;
    }

    /// <summary>Teeth-like pixels: bright and barely coloured.</summary>
    private static int TeethPixels(RgbImage frame, PixelRegion r)
    {
        int count = 0;
        for (int y = r.Y0; y < r.Y1; y++)
            for (int x = r.X0; x < r.X1; x++)
            {
                int i = y * frame.Stride + 3 * x;
                int red = frame.Pixels[i], green = frame.Pixels[i + 1], blue = frame.Pixels[i + 2];
                if (PixelRegion.Luma(frame, x, y) > 150 && Math.Max(red, Math.Max(green, blue)) - Math.Min(red, Math.Min(green, blue)) < 60) count++;
            }
        return count;
    }
}
