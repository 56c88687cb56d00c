using System.Diagnostics;

namespace SonicWeb.LoadBench;

/// <summary>Inputs generated at run time: voice-like WAVs of any length and a ~10 MB portrait.</summary>
public static class BenchMedia
{
    /// <summary>
    /// A 16-bit PCM WAV of a buzzy voice-like sound: harmonics of a wandering pitch, syllables at about
    /// 4 per second and short pauses, so the engine's loudness and voice analysis have something to do.
    /// </summary>
    public static string Wav(string path, double seconds, int sampleRate, int channels)
    {
        int frames = (int)(seconds * sampleRate);
        using var file = new BinaryWriter(File.Create(path));
        int dataBytes = frames * channels * 2;
        file.Write("RIFF"u8); file.Write(36 + dataBytes); file.Write("WAVE"u8);
        file.Write("fmt "u8); file.Write(16); file.Write((short)1); file.Write((short)channels);
        file.Write(sampleRate); file.Write(sampleRate * channels * 2); file.Write((short)(channels * 2)); file.Write((short)16);
        file.Write("data"u8); file.Write(dataBytes);
        var random = new Random(7);
        double phase = 0;
        var block = new byte[4096 * channels * 2];
        int used = 0;
        for (int i = 0; i < frames; i++)
        {
            double t = (double)i / sampleRate;
            double pitch = 140 + 30 * Math.Sin(2 * Math.PI * 0.7 * t);
            phase += 2 * Math.PI * pitch / sampleRate;
            double syllable = Math.Max(0, Math.Sin(2 * Math.PI * 4 * t));
            double pause = (t % 3.0) > 2.4 ? 0 : 1; // 0.6 s of silence every 3 s
            double voice = 0;
            for (int h = 1; h <= 6; h++) voice += Math.Sin(h * phase) / h;
            double sample = pause * syllable * 0.25 * voice + 0.002 * (random.NextDouble() - 0.5);
            short s = (short)Math.Clamp(sample * 32767, short.MinValue, short.MaxValue);
            for (int c = 0; c < channels; c++)
            {
                block[used++] = (byte)s;
                block[used++] = (byte)(s >> 8);
            }
            if (used == block.Length) { file.Write(block, 0, used); used = 0; }
        }
        file.Write(block, 0, used);
        return path;
    }

    /// <summary>The astronaut scaled to <paramref name="side"/> px with fine noise, so PNG cannot compress it below ~10 MB.</summary>
    public static string LargePortrait(string astronautPng, string path, int side)
    {
        Run("ffmpeg", "-v", "error", "-y", "-i", astronautPng, "-vf", $"scale={side}:{side}:flags=bicubic,noise=alls=10:allf=t", path);
        return path;
    }

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {error}");
    }
}
