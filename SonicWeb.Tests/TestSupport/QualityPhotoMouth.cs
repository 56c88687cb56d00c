using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Tests.TestSupport;

/// <summary>
/// The mouth warp the renderer builds for a quality-set photo at one output size, with the landmarks it was built
/// from and how many source pixels one output pixel covers: what the rendering tests probe pixel by pixel.
/// </summary>
internal sealed record QualityPhotoMouth(MouthWarp Mouth, FaceLandmarks Landmarks, float SourcePixelsPerOutputPixel)
{
    public static async Task<QualityPhotoMouth> LoadAsync(EngineFixture engine, string file, int resolution = 1024)
    {
        string photoPath = TestMedia.QualitySet(file);
        var inspection = await engine.Backend.InspectAsync(photoPath, TestMedia.QualitySet("voice-en-male-hf-radio.wav"),
            new GenerationParameters { MinResolution = resolution });
        var photo = await ImageLoader.LoadAsync(photoPath, new MediaLimits(), CancellationToken.None);
        var landmarks = inspection.Face.Landmarks;
        return new QualityPhotoMouth(new MouthWarp(landmarks, MouthWarp.DetectTeeth(photo, landmarks), photo), landmarks,
            inspection.Layout.SourceCrop.Width / inspection.Layout.Width);
    }

    /// <summary>The warp's pose for a mouth this open (1.2: the widest).</summary>
    public MouthWarp.Pose Open(float open) => Mouth.ForFrame(open, 0, SourcePixelsPerOutputPixel);
}
