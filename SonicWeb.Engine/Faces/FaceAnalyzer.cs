using System.Globalization;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Faces.Detection;
using SonicWeb.Engine.Faces.Landmarks;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Faces;

/// <summary>The face the engine animates, and what the user should know about the photo.</summary>
public sealed record FaceAnalysis(FaceDetection Face, FaceLandmarks Landmarks, int FacesFound, IReadOnlyList<string> Warnings)
{
    /// <summary>The other faces found (a group photo): they are kept still while the chosen face talks.</summary>
    public IReadOnlyList<RectF> OtherFaces { get; init; } = [];
}

/// <summary>
/// Detection then landmarks: picks the largest confident face, warns when there are several, and
/// refuses photos without a usable face with a typed error before any job work starts.
/// </summary>
public sealed class FaceAnalyzer(BlazeFaceDetector detector, FaceLandmarkNet68 landmarkNet, int minFaceSizePixels)
{
    public FaceAnalysis Analyze(RgbImage image)
    {
        var faces = detector.Detect(image);
        if (faces.Count == 0)
            throw new SonicEngineException(EngineErrorCodes.NoFace,
                $"No face found in the {image.Width}x{image.Height} photo. Use a portrait where one face is clearly visible, looking at the camera.");

        var face = faces.MaxBy(f => f.Box.Area)!;
        var warnings = new List<string>();
        if (faces.Count > 1)
            warnings.Add($"{faces.Count} faces found; animating the largest one (at {Describe(face.Box)}); the others stay still.");

        if (face.Box.Width < minFaceSizePixels)
            throw new SonicEngineException(EngineErrorCodes.FaceTooSmall, string.Create(CultureInfo.InvariantCulture,
                $"The face is only {face.Box.Width:0} pixels wide; use a closer or larger photo. The minimum is {minFaceSizePixels} pixels."))
            { Setting = "MinFaceSizePixels" };

        var landmarks = landmarkNet.DetectFromDetectorBox(image, face.Box);
        // A rolled head: once more with the face turned upright (the network was trained on upright faces).
        landmarks = landmarkNet.DetectFromDetectorBox(image, face.Box, FaceLandmarkNet68.RollOf(landmarks), landmarks);
        return new FaceAnalysis(face, landmarks, faces.Count, warnings) { OtherFaces = faces.Where(f => f != face).Select(f => f.Box).ToList() };
    }

    private static string Describe(RectF box) => string.Create(CultureInfo.InvariantCulture,
        $"x={box.X:0}, y={box.Y:0}, {box.Width:0}x{box.Height:0} px");
}
