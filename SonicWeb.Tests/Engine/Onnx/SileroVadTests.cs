using System.Diagnostics;
using SonicWeb.Engine.Audio.Vad;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Onnx;

public class SileroVadTests(ITestOutputHelper output)
{
    private static readonly SileroVad Vad = new(TestOnnx.Runtime);

    [Fact]
    public void Speech_is_likely_inside_phrases_and_unlikely_in_the_pauses()
    {
        const double pause = 1.2;
        var wav = TestMedia.SpeechWithPauses("vad-phrases", pause, out var silences,
            "The quick brown fox jumps over the lazy dog.",
            "Please send the invoice to our office tomorrow.",
            "Thank you very much for your order.");
        float[] samples = Decode16k(wav);
        double duration = samples.Length / 16000.0;

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var probabilities = Vad.SpeechProbabilities(samples);
        double wallPerChunk = stopwatch.Elapsed.TotalMilliseconds / probabilities.Length;
        double cpuPerChunk = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / probabilities.Length;
        output.WriteLine($"Silero: {probabilities.Length} chunks of 32 ms, {wallPerChunk:F3} ms wall, {cpuPerChunk:F3} ms CPU per chunk");
        Assert.Equal((samples.Length + 511) / 512, probabilities.Length);

        // Phrases are the stretches between the pauses. Keep 0.15 s away from each boundary: espeak
        // leaves a little silence around each phrase, and the model needs a chunk or two to react.
        const double margin = 0.15;
        var pauses = silences.Select(s => (s.Start + margin, s.End - margin)).ToList();
        var phrases = new List<(double, double)>();
        double from = 0;
        foreach (var s in silences) { phrases.Add((from + margin, s.Start - margin)); from = s.End; }
        phrases.Add((from + margin, duration - margin));

        double inPauses = MeanOver(probabilities, pauses);
        double inSpeech = MeanOver(probabilities, phrases);
        output.WriteLine($"mean speech probability: phrases {inSpeech:F3}, pauses {inPauses:F3}");
        output.WriteLine(string.Join(" ", probabilities.Select(p => p.ToString("F2"))));
        Assert.True(inPauses < 0.2, $"pauses {inPauses:F3}");
        Assert.True(inSpeech > 0.6, $"phrases {inSpeech:F3}");
        Assert.All(pauses, p => Assert.True(MeanOver(probabilities, [p]) < 0.3, $"pause {p}"));
    }

    [Fact]
    public void Digital_silence_and_steady_hum_are_not_speech()
    {
        var silence = new float[16000];
        var hum = Enumerable.Range(0, 32000).Select(i => 0.3f * MathF.Sin(2 * MathF.PI * 100 * i / 16000f)).ToArray();
        Assert.All(Vad.SpeechProbabilities(silence), p => Assert.True(p < 0.1f, $"silence {p}"));
        var humProbabilities = Vad.SpeechProbabilities(hum);
        output.WriteLine(string.Join(" ", humProbabilities.Select(p => p.ToString("F2"))));
        Assert.True(humProbabilities.Average() < 0.2f);
    }

    [Fact]
    public void A_partial_last_chunk_still_gets_a_value()
    {
        Assert.Equal(3, Vad.SpeechProbabilities(new float[1025]).Length);
        Assert.Empty(Vad.SpeechProbabilities([]));
    }

    [Fact]
    public void Per_frame_values_average_the_chunks_under_each_frame()
    {
        // 25 fps: frame 0 = 0..40 ms covers chunk 0 (0..32 ms) fully and chunk 1 (32..64) for 8 ms.
        float[] chunks = [1f, 0f, 0f, 1f];
        var frames = SileroVad.PerFrame(chunks, 25, 5);
        Assert.Equal(0.8f, frames[0], 4);            // (32 * 1 + 8 * 0) / 40
        Assert.Equal(0f, frames[1], 4);              // 40..80 ms: chunks 1 and 2, both 0
        Assert.Equal(24f / 40f, frames[2], 4);       // 80..120: chunk 2 for 16 ms, chunk 3 (96..128) for 24 ms
        Assert.Equal(1f, frames[3], 4);              // 120..160: only 120..128 has audio (chunk 3)
        Assert.Equal(0f, frames[4], 4);              // past the end of the audio
    }

    [Fact]
    public void Per_frame_follows_speech_at_video_rate()
    {
        var wav = TestMedia.SpeechWithPauses("vad-frames", 1.0, out var silences, "Hello there, nice to meet you.", "Goodbye for now.");
        var samples = Decode16k(wav);
        int frameCount = (int)Math.Ceiling(samples.Length / 16000.0 * 25);
        var frames = SileroVad.PerFrame(Vad.SpeechProbabilities(samples), 25, frameCount);
        Assert.Equal(frameCount, frames.Length);
        var (start, end) = silences.Single();
        int middleOfPause = (int)((start + end) / 2 * 25);
        Assert.True(frames[middleOfPause] < 0.2f, $"pause frame {frames[middleOfPause]}");
        Assert.True(frames.Take((int)(start * 25)).Max() > 0.8f, "some frame of the first phrase is clearly speech");
    }

    private static float[] Decode16k(string path)
    {
        var bytes = TestMedia.RunBinary("ffmpeg", "-v", "error", "-i", path, "-f", "f32le", "-ac", "1", "-ar", "16000", "pipe:1");
        var samples = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 4);
        return samples;
    }

    private static double MeanOver(float[] probabilities, IEnumerable<(double Start, double End)> ranges)
    {
        var inside = ranges.SelectMany(r => Enumerable.Range(0, probabilities.Length)
            .Where(c => c * SileroVad.ChunkSeconds >= r.Start && (c + 1) * SileroVad.ChunkSeconds <= r.End))
            .Select(c => (double)probabilities[c]).ToList();
        Assert.NotEmpty(inside);
        return inside.Average();
    }
}
