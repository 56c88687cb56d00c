using SonicWeb.Engine.Audio;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Media;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Media;

public class AudioLoaderTests
{
    private static readonly MediaLimits Limits = new();

    public static TheoryData<string, string[]> Formats => new()
    {
        { "wav", [] },
        { "mp3", [] },
        { "m4a", [] },
        { "ogg", ["-c:a", "libopus"] },
        { "ogg", ["-c:a", "libvorbis"] },
        { "flac", [] },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Speech_decodes_to_16k_mono_with_the_source_duration(string extension, string[] args)
    {
        var source = MediaFixtures.SpeechWav;
        var path = extension == "wav" ? source : MediaFixtures.SpeechAs(extension, args);
        double wavSeconds = TestMedia.ProbeDuration(source);

        var clip = await AudioLoader.LoadAsync(path, Limits, CancellationToken.None);

        Assert.Equal(AudioClip.AnalysisSampleRate, clip.SampleRate);
        Assert.Equal(TestMedia.ProbeDuration(path), clip.DurationSeconds, 3);
        Assert.InRange(clip.DurationSeconds, wavSeconds - 0.03, wavSeconds + 0.1);   // encoders add a little padding
        Assert.InRange(clip.Samples.Length / 16000.0, wavSeconds - 0.03, wavSeconds + 0.1);
        double rms = Math.Sqrt(clip.Samples.Average(s => (double)s * s));
        Assert.InRange(rms, 0.02, 0.7); // speech, not silence and not noise
    }

    [Fact]
    public async Task Decoded_samples_match_ffmpegs_own_resampling_of_the_wav()
    {
        var clip = await AudioLoader.LoadAsync(MediaFixtures.SpeechWav, Limits, CancellationToken.None);

        var reference = TestMedia.RunBinary("ffmpeg", "-v", "error", "-i", MediaFixtures.SpeechWav, "-ac", "1", "-ar", "16000", "-f", "f32le", "pipe:1");
        var expected = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(reference).ToArray();
        Assert.Equal(expected, clip.Samples);
    }

    [Fact]
    public async Task Image_given_as_audio_is_unsupported_audio()
    {
        var e = await LoadFails(TestMedia.AstronautPng, Limits, EngineErrorCodes.UnsupportedAudio);
        Assert.Contains("image", e.Message);
    }

    [Fact]
    public async Task Jpeg_renamed_to_wav_is_unsupported_audio()
    {
        var path = MediaFixtures.WriteFile("voice.wav", File.ReadAllBytes(MediaFixtures.MarkedImage("jpg", 1)));
        await LoadFails(path, Limits, EngineErrorCodes.UnsupportedAudio);
    }

    [Fact]
    public async Task Video_without_audio_is_unsupported_and_the_message_names_what_was_found()
    {
        var path = Path.Combine(MediaFixtures.NewFolder("video-only"), "clip.mp4");
        TestMedia.Run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=s=64x48:r=25", "-t", "1", "-c:v", "libx264", path);

        var e = await LoadFails(path, Limits, EngineErrorCodes.UnsupportedAudio);
        Assert.Contains("video (h264)", e.Message);
    }

    [Fact]
    public async Task Text_file_is_unsupported_audio()
    {
        await LoadFails(MediaFixtures.WriteFile("voice.mp3", "not really audio\n"u8.ToArray()), Limits, EngineErrorCodes.UnsupportedAudio);
    }

    [Fact]
    public async Task Playlist_formats_are_refused()
    {
        // An ffconcat file would make ffmpeg read another local file named inside the upload.
        var dir = MediaFixtures.NewFolder("concat");
        File.Copy(MediaFixtures.SpeechWav, Path.Combine(dir, "secret.wav"));
        var path = Path.Combine(dir, "voice.txt");
        File.WriteAllText(path, "ffconcat version 1.0\nfile secret.wav\n");

        await LoadFails(path, Limits, EngineErrorCodes.UnsupportedAudio);
    }

    [Fact]
    public async Task Empty_file_is_audio_empty()
    {
        await LoadFails(MediaFixtures.WriteFile("empty.wav", []), Limits, EngineErrorCodes.AudioEmpty);
    }

    [Fact]
    public async Task Too_short_audio_is_audio_empty_naming_the_minimum()
    {
        var path = TestMedia.Convert(MediaFixtures.SpeechWav, "speech-0.1s.wav", "-t", "0.1");

        var e = await LoadFails(path, Limits, EngineErrorCodes.AudioEmpty);
        Assert.Contains("Engine:Limits:MinAudioSeconds", e.Message);
    }

    [Fact]
    public async Task Silent_audio_is_accepted()
    {
        var path = Path.Combine(MediaFixtures.NewFolder("silence"), "silence.wav");
        TestMedia.Run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", "1", path);

        var clip = await AudioLoader.LoadAsync(path, Limits, CancellationToken.None);
        Assert.Equal(16000, clip.Samples.Length);
        Assert.All(clip.Samples, s => Assert.Equal(0f, s));
    }

    [Fact]
    public async Task Longer_than_the_limit_is_audio_too_long_naming_the_limit()
    {
        var e = await LoadFails(MediaFixtures.SpeechWav, new MediaLimits { MaxAudioSeconds = 0.5 }, EngineErrorCodes.AudioTooLong);
        Assert.Contains("0.5 s", e.Message);
        Assert.Contains("Engine:Limits:MaxAudioSeconds", e.Message);
    }

    [Fact]
    public async Task Oversized_file_is_rejected_by_byte_limit()
    {
        var e = await LoadFails(MediaFixtures.SpeechWav, new MediaLimits { MaxAudioBytes = 1000 }, EngineErrorCodes.FileTooLarge);
        Assert.Contains("Engine:Limits:MaxAudioBytes", e.Message);
    }

    private static async Task<SonicEngineException> LoadFails(string path, MediaLimits limits, string code)
    {
        var e = await Assert.ThrowsAsync<SonicEngineException>(() => AudioLoader.LoadAsync(path, limits, CancellationToken.None));
        Assert.Equal(code, e.Code);
        return e;
    }
}
