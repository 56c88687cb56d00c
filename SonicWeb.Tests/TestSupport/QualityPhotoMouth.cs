using System.Numerics;
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

    /// <summary>Half the distance between the landmark mouth corners, source px.</summary>
    public float HalfWidth => Vector2.Distance(Landmarks.Points[48], Landmarks.Points[54]) / 2;

    /// <summary>
    /// The synthesised interior at (<paramref name="lx"/>, <paramref name="ly"/>) of the mouth's frame (origin between the
    /// landmark corners, x along the lips to the image-right corner, y down the face, source px) in this pose: its colour
    /// and opacity (0 outside the opening).
    /// </summary>
    public float Interior(in MouthWarp.Pose pose, float lx, float ly, out float r, out float g, out float b)
    {
        Vector2 left = Landmarks.Points[48], right = Landmarks.Points[54], axis = Vector2.Normalize(right - left);
        var at = (left + right) / 2 + lx * axis + ly * new Vector2(-axis.Y, axis.X);
        float x = at.X, y = at.Y;
        return Mouth.Warp(pose, ref x, ref y, out r, out g, out b);
    }

    /// <summary>The interior's luma where it fully covers the photo (opacity 0.99 or more), else null.</summary>
    public float? InteriorLuma(in MouthWarp.Pose pose, float lx, float ly, out float redness)
    {
        float alpha = Interior(pose, lx, ly, out float r, out float g, out float b);
        redness = r - g;
        return alpha >= 0.99f ? 0.299f * r + 0.587f * g + 0.114f * b : null;
    }
}
