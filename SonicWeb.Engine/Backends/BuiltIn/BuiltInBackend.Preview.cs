using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Engine.Backends.BuiltIn;

public sealed partial class BuiltInBackend
{
    private const int PreviewJpegQuality = 85;

    /// <summary>
    /// Inspects the inputs and renders one frame at the output size with the face at rest
    /// (<see cref="FacePose.Neutral"/>): crop, resolution and the face the user will get, for the
    /// "preview first" option. Costs one inspection plus one frame, so it can run inside a request.
    /// </summary>
    public Task<PreviewResult> RenderPreviewAsync(string imagePath, string audioPath, GenerationParameters parameters, CancellationToken ct = default)
        => RenderPreviewAsync(imagePath, audioPath, parameters, inputs => inputs.Inspection.Layout, ct);

    /// <summary>The same, with another backend's framing: <paramref name="frame"/> picks the part of the photo and the size.</summary>
    public async Task<PreviewResult> RenderPreviewAsync(string imagePath, string audioPath, GenerationParameters parameters,
        Func<AnalysedInputs, FrameLayout> frame, CancellationToken ct)
    {
        var inputs = await _analyser.AnalyseAsync(imagePath, audioPath, parameters, ct);
        var layout = frame(inputs);
        var renderer = new FaceRenderer(inputs.Image, inputs.Inspection.Face.Landmarks, layout, inputs.Inspection.Face.OtherFaces);
        var picture = new RgbImage(layout.Width, layout.Height);
        renderer.Render(FacePose.Neutral, picture.Pixels);
        return new PreviewResult(Inspection(inputs.Inspection, parameters), ImageEncoder.Jpeg(picture, PreviewJpegQuality), layout.Width, layout.Height);
    }
}
