using SonicWeb.Engine.Models;
using SonicWeb.Engine.Onnx;

namespace SonicWeb.Engine.Audio.Vad;

/// <summary>
/// Voice activity with Silero VAD v5 at 16 kHz: one speech probability per 512-sample (32 ms) chunk.
/// The model is recurrent: each call gets the previous call's state, and the chunk is prefixed with the
/// last 64 samples of the previous chunk (the context Silero's own wrapper feeds it), so a sound that
/// straddles a chunk boundary is seen whole. Each <see cref="SpeechProbabilities"/> call starts fresh,
/// so one instance can serve several threads.
/// </summary>
public sealed class SileroVad
{
    public const int SampleRate = 16000;
    public const int ChunkSamples = 512;
    public const int ContextSamples = 64;
    public const double ChunkSeconds = (double)ChunkSamples / SampleRate;

    private const int StateLength = 2 * 1 * 128;

    private readonly OnnxSession _session;

    public SileroVad(OrtRuntime onnx, OnnxSessionOptions? options = null, Action<string>? warn = null)
        : this(onnx.GetSession(ModelStore.Default.GetPath("silero-vad"), options, warn)) { }

    internal SileroVad(OnnxSession session)
    {
        _session = session;
        // Fail early, with the shapes, if a different Silero export is dropped in.
        var names = session.Inputs.Select(i => i.Name).Order().ToArray();
        if (!names.SequenceEqual(["input", "sr", "state"]) || !session.Outputs.Any(o => o.Name == "output") || !session.Outputs.Any(o => o.Name == "stateN"))
            throw new OrtException($"{Path.GetFileName(session.ModelPath)} is not the expected Silero VAD v5 model (inputs {string.Join(", ", session.Inputs)}; outputs {string.Join(", ", session.Outputs)}).");
    }

    /// <summary>
    /// Speech probability (0..1) for each 32 ms chunk of 16 kHz mono audio; a final partial chunk is
    /// padded with silence, so the result has ceil(samples / 512) values.
    /// </summary>
    public float[] SpeechProbabilities(ReadOnlySpan<float> samples16k)
    {
        int chunks = (samples16k.Length + ChunkSamples - 1) / ChunkSamples;
        var probabilities = new float[chunks];
        var input = new float[ContextSamples + ChunkSamples];
        var state = new float[StateLength];
        var sampleRate = OnnxTensor.Int64Scalar(SampleRate);
        for (int c = 0; c < chunks; c++)
        {
            // input = [last 64 samples of the previous chunk | this chunk (zero-padded at the end)].
            input.AsSpan(ChunkSamples, ContextSamples).CopyTo(input);
            var chunk = samples16k.Slice(c * ChunkSamples, Math.Min(ChunkSamples, samples16k.Length - c * ChunkSamples));
            chunk.CopyTo(input.AsSpan(ContextSamples));
            input.AsSpan(ContextSamples + chunk.Length).Clear();

            var outputs = _session.Run(
                ("input", OnnxTensor.FromFloats(input, 1, input.Length)),
                ("state", OnnxTensor.FromFloats(state, 2, 1, 128)),
                ("sr", sampleRate));
            probabilities[c] = outputs["output"].Floats[0];
            state = outputs["stateN"].Floats;
        }
        return probabilities;
    }

    /// <summary>
    /// Resamples chunk probabilities to video frames: frame i covers [i/fps, (i+1)/fps) and gets the
    /// mean of the chunks under it, weighted by overlap. Frames past the end of the audio get 0.
    /// </summary>
    public static float[] PerFrame(IReadOnlyList<float> probabilities, double fps, int frameCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(fps, 0);
        ArgumentOutOfRangeException.ThrowIfNegative(frameCount);
        var frames = new float[frameCount];
        for (int i = 0; i < frameCount; i++)
        {
            double start = i / fps, end = (i + 1) / fps;
            int first = (int)Math.Floor(start / ChunkSeconds);
            int last = Math.Min(probabilities.Count - 1, (int)Math.Ceiling(end / ChunkSeconds) - 1);
            double sum = 0, covered = 0;
            for (int c = first; c <= last; c++)
            {
                double overlap = Math.Min(end, (c + 1) * ChunkSeconds) - Math.Max(start, c * ChunkSeconds);
                if (overlap <= 0) continue;
                sum += overlap * probabilities[c];
                covered += overlap;
            }
            frames[i] = covered > 0 ? (float)(sum / covered) : 0f;
        }
        return frames;
    }
}
