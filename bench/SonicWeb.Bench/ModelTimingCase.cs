using System.Diagnostics;
using SonicWeb.Engine.Faces.Landmarks;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Models;
using SonicWeb.Engine.Onnx;
using SonicWeb.Engine.Pipeline;

namespace SonicWeb.Bench;

/// <summary>
/// Single-call timings of the analysis steps, after a warm-up call each: the median of several calls
/// (BlazeFace on the whole photo, 68 landmarks for one face, the preview JPEG), and Silero VAD as the
/// time of one pass over the clip divided by its 32 ms chunks. Photo loading (read, check, decode, EXIF)
/// is timed the same way on the PNG input and on a JPEG of it made here.
/// </summary>
public static class ModelTimingCase
{
    private const int Calls = 15;
    private const int PreviewSide = 256; // a 512 or 1024 frame downscaled to fit 320 px (EngineOptions.PreviewMaxSide)

    public static async Task<CaseResult> RunAsync(BenchOptions o)
    {
        using var onnx = new OrtRuntime();
        var options = new EngineOptions();
        var load = Stopwatch.StartNew();
        var models = AnalysisModels.Load(ModelStore.Default, onnx, options.Onnx, Console.Error.WriteLine);
        double modelLoad = load.Elapsed.TotalSeconds;
        var image = await ImageLoader.LoadAsync(CaseRunner.Require(o.Image, "image"), options.Limits, CancellationToken.None);
        var audio = await AudioLoader.LoadAsync(CaseRunner.Require(o.Audio, "audio"), options.Limits, CancellationToken.None);

        var box = models.FaceDetector.Detect(image).MaxBy(f => f.Box.Area)!.Box;
        var preview = BoxDownscale(image, PreviewSide);
        var samples = audio.Samples;
        models.VoiceActivity.SpeechProbabilities(samples.AsSpan(0, Math.Min(samples.Length, 16000)));
        var vad = Stopwatch.StartNew();
        int chunks = models.VoiceActivity.SpeechProbabilities(samples).Length;
        double vadMs = vad.Elapsed.TotalMilliseconds / chunks;

        var imagePath = CaseRunner.Require(o.Image, "image");
        var jpegPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(CaseRunner.Require(o.Audio, "audio")))!, "photo-q90.jpg");
        Tool.Run("ffmpeg", "-hide_banner", "-v", "error", "-i", imagePath, "-q:v", "3", "-y", jpegPath);
        double pngLoad = await MedianMsAsync(() => ImageLoader.LoadAsync(imagePath, options.Limits, CancellationToken.None));
        double jpegLoad = await MedianMsAsync(() => ImageLoader.LoadAsync(jpegPath, options.Limits, CancellationToken.None));

        var calls = new Dictionary<string, double>
        {
            [$"photo_load_png_{image.Width}x{image.Height}"] = pngLoad,
            [$"photo_load_jpeg_{image.Width}x{image.Height}"] = jpegLoad,
            [$"blazeface_detect_{image.Width}x{image.Height}"] = MedianMs(() => models.FaceDetector.Detect(image)),
            ["landmarks68_per_face"] = MedianMs(() => models.LandmarkNet.DetectFromDetectorBox(image, box)),
            ["silero_vad_per_32ms_chunk"] = vadMs,
            [$"jpeg_preview_{PreviewSide}x{PreviewSide}_q80"] = MedianMs(() => ImageEncoder.Jpeg(preview, 80)),
        };
        return new CaseResult
        {
            Case = "models",
            Width = image.Width,
            Height = image.Height,
            AudioSeconds = audio.DurationSeconds,
            ModelLoadSeconds = modelLoad,
            CallMilliseconds = calls,
            OrtVersion = onnx.Version,
        };
    }

    private static double MedianMs(Func<object> call)
    {
        call(); // warm-up: first-call allocations and JIT
        var times = new double[Calls];
        for (int i = 0; i < Calls; i++)
        {
            var sw = Stopwatch.StartNew();
            call();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[Calls / 2];
    }

    private static async Task<double> MedianMsAsync(Func<Task> call)
    {
        await call();
        var times = new double[Calls];
        for (int i = 0; i < Calls; i++)
        {
            var sw = Stopwatch.StartNew();
            await call();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[Calls / 2];
    }

    /// <summary>Averages blocks of pixels down to a square of <paramref name="side"/> (the image is square here).</summary>
    private static RgbImage BoxDownscale(RgbImage source, int side)
    {
        int factor = Math.Max(1, Math.Min(source.Width, source.Height) / side);
        var result = new RgbImage(side, side);
        for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
        for (int c = 0; c < 3; c++)
        {
            int sum = 0;
            for (int dy = 0; dy < factor; dy++)
            for (int dx = 0; dx < factor; dx++)
                sum += source.Pixels[(y * factor + dy) * source.Stride + (x * factor + dx) * 3 + c];
            result.Pixels[(y * side + x) * 3 + c] = (byte)(sum / (factor * factor));
        }
        return result;
    }
}
