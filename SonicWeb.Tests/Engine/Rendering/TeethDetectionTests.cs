using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Engine.Rendering;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>
/// Whether the photo shows its own upper teeth decides whether teeth are drawn into the opening (docs/quality.md, round
/// 31): a soft, small face in blue light, whose landmark lips meet across her teeth, had a drawn row appear under her own.
/// Teeth are now also found down the middle columns as a run clearly lighter and less coloured than the lips; closed
/// mouths of every kind in the set must still read as closed.
/// </summary>
[Collection(EngineCollection.Name)]
public class TeethDetectionTests(EngineFixture engine)
{
    [Theory]
    [InlineData("soft-smile-blue-light.jpg", true)]   // main: false (the landmark lips meet; her teeth are luma 150-162)
    [InlineData("group-three-quarter.jpg", true)]     // a laugh with both rows of teeth; main: false
    [InlineData("smile-teeth-man.jpg", true)]
    [InlineData("group-three-men.jpg", true)]        // yellowish teeth under a thin upper lip; round 31: false (round 32)
    [InlineData("teen-boy.jpg", false)]
    [InlineData("three-quarter-man.jpg", false)]
    [InlineData("dark-skin-woman.jpg", false)]
    [InlineData("dark-skin-man.jpg", false)]
    [InlineData("glasses-elderly-woman.jpg", false)]
    [InlineData("beard-white-older-man.jpg", false)]
    [InlineData("phone-photo-exif-rotated.jpg", false)]
    [InlineData("group-four-women.jpg", false)]
    public async Task A_photo_reads_as_showing_teeth_only_when_it_does(string file, bool showsTeeth)
    {
        string path = TestMedia.QualitySet(file);
        var inspection = await engine.Backend.InspectAsync(path, TestMedia.QualitySet("voice-en-male-hf-radio.wav"),
            new GenerationParameters { MinResolution = 512 });
        var photo = await ImageLoader.LoadAsync(path, new MediaLimits(), CancellationToken.None);
        Assert.Equal(showsTeeth, MouthWarp.DetectTeeth(photo, inspection.Face.Landmarks));
    }
}
