using System.Numerics;
using Bunit;
using SonicWeb.Components.Pages.NewVideo;
using SonicWeb.Engine.Backends.BuiltIn;
using SonicWeb.Engine.Backends.ComfyUI;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Tests.Web.Components;

/// <summary>
/// The new video page's photo preview with bUnit: on comfyui-sonic it outlines the square Sonic animates (SonicCrop) and
/// the outline follows the expand ratio and the backend as the form changes; on the built-in backend it shows the face
/// box only, as before. (The page hands it the picker's backend and the form's parameters; choosing files needs the
/// browser's upload, so the whole page with a photo is covered by RemoteBackendBrowserTests.)
/// </summary>
public sealed class PhotoWithFaceBoxTests : ComponentTestContext
{
    // A 1000 x 1000 photo with a 200 x 250 face at (400, 350): SonicCropTests works its squares out by hand.
    private static readonly FaceAnalysis Face = new(new FaceDetection(new RectF(400, 350, 200, 250), 0.9f, []), new FaceLandmarks(new Vector2[68]), 1, []);

    private IRenderedComponent<PhotoWithFaceBox> RenderPreview(string backend, GenerationParameters? parameters) => Render<PhotoWithFaceBox>(p => p
        .Add(c => c.Thumbnail, [0xFF, 0xD8, 0xFF, 0xD9])
        .Add(c => c.PhotoWidth, 1000).Add(c => c.PhotoHeight, 1000)
        .Add(c => c.Face, Face)
        .Add(c => c.Backend, backend)
        .Add(c => c.Parameters, parameters));

    [Fact]
    public void The_sonic_square_is_outlined_on_the_remote_backend_and_moves_with_the_expand_ratio_and_goes_with_the_builtin_one()
    {
        var cut = RenderPreview(BuiltInBackend.Name, new GenerationParameters { ExpandRatio = 0.5 });
        Assert.Single(cut.FindAll("#face-box"));
        Assert.Empty(cut.FindAll("#sonic-crop")); // the built-in backend: what the page always showed
        Assert.Empty(cut.FindAll("#sonic-crop-caption"));

        cut.Render(p => p.Add(c => c.Backend, ComfyUISonicBackend.Name));
        var square = cut.Find("#sonic-crop");
        Assert.Equal("300,275,700,675", square.GetAttribute("data-crop"));
        Assert.Equal("left:30%;top:27.5%;width:40%;height:40%", square.GetAttribute("style"));
        Assert.Contains("Sonic will animate this square (expand ratio 0.5)", cut.Find("#sonic-crop-caption").TextContent);
        Assert.Empty(cut.FindAll("#sonic-crop-hint")); // Sonic's own default: nothing to warn about

        cut.Render(p => p.Add(c => c.Parameters, new GenerationParameters { ExpandRatio = 0.1 }));
        Assert.Equal("380,355,620,595", cut.Find("#sonic-crop").GetAttribute("data-crop")); // tighter around the face
        Assert.Contains("below it the hair and chin may be cut off", cut.Find("#sonic-crop-hint").TextContent);

        cut.Render(p => p.Add(c => c.Parameters, new GenerationParameters { ExpandRatio = 1.0 }));
        Assert.Equal("200,175,800,775", cut.Find("#sonic-crop").GetAttribute("data-crop")); // larger, same centre
        Assert.Equal("left:20%;top:17.5%;width:60%;height:60%", cut.Find("#sonic-crop").GetAttribute("style"));
        Assert.Contains("(expand ratio 1.0)", cut.Find("#sonic-crop-caption").TextContent);

        cut.Render(p => p.Add(c => c.Backend, BuiltInBackend.Name));
        Assert.Empty(cut.FindAll("#sonic-crop"));
        Assert.Empty(cut.FindAll("#sonic-crop-caption"));
    }

    [Fact]
    public void Full_framing_on_the_remote_backend_says_the_whole_photo_is_animated_and_an_invalid_form_draws_no_square()
    {
        var cut = RenderPreview(ComfyUISonicBackend.Name, new GenerationParameters { Crop = CropMode.Full });
        Assert.Empty(cut.FindAll("#sonic-crop"));
        Assert.Contains("Sonic will animate the whole photo", cut.Find("#sonic-crop-caption").TextContent);

        cut.Render(p => p.Add(c => c.Parameters, null)); // a parameter the server refuses: no outline from stale values
        Assert.Empty(cut.FindAll("#sonic-crop"));
        Assert.Single(cut.FindAll("#face-box"));
    }
}
