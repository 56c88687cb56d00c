namespace SonicWeb.Tests.TestSupport;

public class TestMediaTests
{
    [Fact]
    public void Speech_with_pauses_has_the_phrases_and_silences_it_reports()
    {
        var wav = TestMedia.SpeechWithPauses("selftest", 0.8, out var silences, "hello there", "good morning");
        Assert.Single(silences);
        var total = TestMedia.ProbeDuration(wav);
        Assert.InRange(total, silences[0].End + 0.3, silences[0].End + 3);
    }

    [Fact]
    public void Astronaut_photo_is_available_as_rgb()
    {
        var img = TestMedia.LoadRgb(TestMedia.AstronautPng);
        Assert.Equal(512, img.Width);
        Assert.Equal(512, img.Height);
    }
}
