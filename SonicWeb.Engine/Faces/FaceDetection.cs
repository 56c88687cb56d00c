using System.Numerics;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Faces;

/// <summary>
/// One face found by the detector, in source-image pixels. Keypoints (BlazeFace order): right eye,
/// left eye (from the viewer's point of view: first is the one on the image's left), nose tip, mouth
/// centre, right ear tragion, left ear tragion.
/// </summary>
public sealed record FaceDetection(RectF Box, float Score, IReadOnlyList<Vector2> Keypoints);

/// <summary>
/// The 68 facial landmarks (iBUG 300-W order: 0-16 jaw, 17-26 brows, 27-35 nose, 36-47 eyes,
/// 48-59 outer lips, 60-67 inner lips), in source-image pixels.
/// </summary>
public sealed record FaceLandmarks(IReadOnlyList<Vector2> Points)
{
    public const int Count = 68;
}
