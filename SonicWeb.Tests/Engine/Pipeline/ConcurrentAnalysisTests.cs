using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Audio;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Pipeline;

/// <summary>
/// A job analyses the voice (and animates) from the moment the audio is decoded, beside the face analysis, which
/// itself starts as soon as the photo is decoded: the results must be those of the old one-after-the-other order.
/// </summary>
[Collection(EngineCollection.Name)]
public class ConcurrentAnalysisTests(EngineFixture engine)
{
    [Fact]
    public async Task Face_and_animation_made_concurrently_equal_the_sequential_ones()
    {
        var voice = TestMedia.Speech("Hello there. The analysis of this voice runs beside the face's.", "concurrent-voice");
        var p = new GenerationParameters { Seed = 3 };
        var analyser = new InputAnalyser(engine.Options, engine.Models);
        int calls = 0;
        AudioClip? early = null;
        Task<FacePose[]>? concurrent = null;
        var inputs = await analyser.AnalyseAsync(TestMedia.AstronautPng, voice, p, CancellationToken.None, audioLoaded: audio =>
        {
            calls++;
            early = audio;
            concurrent = Task.Run(() => engine.Backend.Animate(audio, GenerationParameters.FrameCountFor(audio.DurationSeconds), p, 3));
        });
        Assert.Equal(1, calls);
        Assert.Same(inputs.Audio, early);

        // The old order: both inputs loaded, then the face, then the voice.
        var image = await ImageLoader.LoadAsync(TestMedia.AstronautPng, engine.Options.Limits, CancellationToken.None);
        var audio = await AudioLoader.LoadAsync(voice, engine.Options.Limits, CancellationToken.None);
        var face = new FaceAnalyzer(engine.Models.FaceDetector, engine.Models.LandmarkNet, engine.Options.MinFaceSizePixels).Analyze(image);
        Assert.Equal(face.Face.Box, inputs.Inspection.Face.Face.Box);
        Assert.Equal(face.Landmarks.Points, inputs.Inspection.Face.Landmarks.Points);
        Assert.Equal(audio.Samples, inputs.Audio.Samples);
        var sequential = engine.Backend.Animate(audio, inputs.Inspection.FrameCount, p, 3);
        Assert.Equal(sequential, await concurrent!);
    }
}
