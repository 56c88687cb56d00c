using SonicWeb.Engine.Quality;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Quality;

/// <summary>
/// End-to-end: espeak-ng speech with known words and pauses through the real pipeline; the mouth is
/// measured on the decoded output frames (dark cavity area inside the landmark mouth region, and the jaw's drop
/// found by block matching against the still photo).
/// </summary>
public class MouthOnVideoTests(GeneratedVideoFixture videos, ITestOutputHelper output) : IClassFixture<GeneratedVideoFixture>
{
    private const int Fps = 25;
    private const double Pause = 0.7;

    /// <summary>Sustained "ah", "ee", "oo" (espeak-ng phoneme input) with 0.7 s pauses between them.</summary>
    private static string VowelsAudio(out List<(double Start, double End)> silences)
        => TestMedia.SpeechWithPauses("vowels-a-i-u", Pause, out silences, "[[A::]]", "[[i::]]", "[[u::]]");

    private static (int From, int To)[] Segments(List<(double Start, double End)> silences, int frames)
    {
        var bounds = new List<(int, int)>();
        double start = 0;
        foreach (var (s, e) in silences) { bounds.Add(((int)(start * Fps), (int)(s * Fps))); start = e; }
        bounds.Add(((int)(start * Fps), frames));
        return bounds.ToArray();
    }

    /// <summary>Mean of a curve over a segment's loud frames (the steady vowel, not its onset).</summary>
    private static double LoudMean(float[] curve, float[] loudness, (int From, int To) s)
        => Enumerable.Range(s.From, Math.Max(0, Math.Min(s.To, curve.Length) - s.From)).Where(i => loudness[i] > 0.5f).Select(i => (double)curve[i]).DefaultIfEmpty(0).Average();

    [Fact]
    public async Task Open_vowel_opens_wider_than_spread_and_spread_is_wider_than_rounded()
    {
        var v = await videos.Get("vowels-still", VowelsAudio(out var silences), motionScale: 0);
        var seg = Segments(silences, v.Opening.Length);
        double openA = LoudMean(v.Opening, v.Loudness, seg[0]), openI = LoudMean(v.Opening, v.Loudness, seg[1]), openU = LoudMean(v.Opening, v.Loudness, seg[2]);
        double widthA = LoudMean(v.OpeningWidth, v.Loudness, seg[0]), widthI = LoudMean(v.OpeningWidth, v.Loudness, seg[1]), widthU = LoudMean(v.OpeningWidth, v.Loudness, seg[2]);
        output.WriteLine($"opening ah {openA:0.000} ee {openI:0.000} oo {openU:0.000}; width ah {widthA:0.000} ee {widthI:0.000} oo {widthU:0.000}");
        Assert.True(openA > 1.15 * openI, $"'ah' opening {openA:0.000} should exceed 'ee' {openI:0.000} by 15%");
        Assert.True(openA > 1.15 * openU, $"'ah' opening {openA:0.000} should exceed 'oo' {openU:0.000} by 15%");
        Assert.True(widthI > 1.05 * widthU, $"'ee' opening width {widthI:0.000} should exceed 'oo' {widthU:0.000}");
    }

    [Fact]
    public async Task Silence_between_phrases_keeps_the_mouth_at_rest()
    {
        var v = await videos.Get("vowels-still", VowelsAudio(out var silences), motionScale: 0);
        var figures = SyncStatistics.Compute(v.Opening, v.Loudness, Fps);
        output.WriteLine($"silence/speech {figures.SilenceShare:0.000} over {figures.SilenceFrames}/{figures.SpeechFrames} frames, corr {figures.Correlation:0.00}");
        Assert.True(figures.SilenceFrames >= 15, $"only {figures.SilenceFrames} pause frames were found");
        Assert.True(figures.SilenceShare < 0.05, $"opening in pauses is {figures.SilenceShare:P1} of the opening in speech");
    }

    [Fact]
    public async Task Closures_in_mama_papa_close_the_mouth_inside_the_phrase()
    {
        string audio = TestMedia.Speech("mama papa mama papa", "mama-papa");
        var v = await videos.Get("mama-papa", audio, motionScale: 0);
        // The phrase: from the first to the last loud frame; no pause inside it.
        int first = Array.FindIndex(v.Loudness, l => l > 0.3f), last = Array.FindLastIndex(v.Loudness, l => l > 0.3f);
        float peak = v.Opening[first..(last + 1)].Max();
        int dips = 0;
        for (int i = first + 1; i < last; i++)
            if (v.Opening[i] <= v.Opening[i - 1] && v.Opening[i] < v.Opening[i + 1] && v.Opening[i] < 0.35f * peak) dips++;
        output.WriteLine(string.Join(" ", v.Opening[first..(last + 1)].Select(o => (o / peak).ToString("0.00"))));
        output.WriteLine($"dips below 35% of the peak: {dips}");
        // 8 closures (m, m, p, p, m, m, p, p); at 25 fps some merge, but most must show.
        Assert.True(dips >= 5, $"only {dips} closures are visible in the opening curve");
    }

    [Fact]
    public async Task The_jaw_measure_agrees_with_the_cavity_measure_where_the_cavity_is_clear()
    {
        // The astronaut's cavity is dark against light lips and skin, so the cavity measure is right here; the jaw
        // measure (chin texture against the still photo, no colour) must tell the same story, with the head moving.
        var v = await videos.Get("vowels-moving", VowelsAudio(out var silences), motionScale: 1.05);
        var seg = Segments(silences, v.Opening.Length);
        var jaw = v.Report.JawOpening;
        double a = LoudMean(jaw, v.Loudness, seg[0]), i = LoudMean(jaw, v.Loudness, seg[1]), u = LoudMean(jaw, v.Loudness, seg[2]);
        var figures = SyncStatistics.Compute(jaw, v.Loudness, Fps);
        output.WriteLine($"jaw ~ cavity r = {v.Report.MeterAgreement:0.00}; jaw drop ah {a:0.000} ee {i:0.000} oo {u:0.000}; pause/speech {figures.SilenceShare:P1}");
        Assert.True(v.Report.MeterAgreement >= 0.9, $"the two measures agree only r = {v.Report.MeterAgreement:0.00}");
        Assert.True(a > 0.1, $"the jaw measure sees an 'ah' drop of only {a:0.000} of the mouth width");
        Assert.True(a > 1.15 * i && a > 1.15 * u, $"'ah' drop {a:0.000} should exceed 'ee' {i:0.000} and 'oo' {u:0.000} by 15%");
        Assert.True(figures.SilenceFrames >= 15 && figures.SilenceShare < 0.05, $"jaw in pauses {figures.SilenceShare:P1} of speech over {figures.SilenceFrames} frames");
    }

    [Fact]
    public async Task Motion_scale_zero_keeps_everything_but_mouth_and_eyes_still()
    {
        var still = await videos.Get("vowels-still", VowelsAudio(out _), motionScale: 0);
        var moving = await videos.Get("vowels-moving", VowelsAudio(out _), motionScale: 1.05);
        output.WriteLine($"still: corners {still.Report.CornersMeanDiff:0.000} forehead {still.Report.ForeheadMeanDiff:0.000} (max {still.Report.ForeheadMaxDiff:0.000}); " +
                         $"moving: corners {moving.Report.CornersMeanDiff:0.000} forehead {moving.Report.ForeheadMeanDiff:0.000}");
        Assert.True(still.Report.ForeheadMaxDiff < 0.5, $"forehead changes by {still.Report.ForeheadMaxDiff:0.00} levels between frames with motion_scale 0");
        Assert.True(still.Report.CornersMaxDiff < 0.5, $"background corners change by {still.Report.CornersMaxDiff:0.00} levels with motion_scale 0");
        // The same measurement sees the head move when it should (so the figures above can fail).
        Assert.True(moving.Report.ForeheadMeanDiff > 4 * Math.Max(0.02, still.Report.ForeheadMeanDiff));
        Assert.True(moving.Report.BlackBorderShare < 0.01);
    }
}
