using SonicWeb.Engine.Audio;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Media;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Engine.Quality;

/// <summary>Everything measured on one output video.</summary>
/// <param name="Sync">The cavity measure (<see cref="MouthMeter"/>) against the speech.</param>
/// <param name="Opening">Cavity opening per decoded frame (see <see cref="MouthReading"/>), above the clip's rest.</param>
/// <param name="Loudness">The speech loudness per frame (0..1 above the recording's own noise floor, <see cref="SpeechReference"/>).</param>
/// <param name="Speech">Pauses and speech per frame, from the audio alone.</param>
/// <param name="BlackBorderShare">Largest share, over frames, of outer-ring pixels that are near black where the
/// reference (still) frame has nothing dark nearby (within <see cref="VideoQualityAnalyzer.BorderReachFor"/> pixels): black
/// padding revealed by motion shows up here, a black shirt or suit at the frame edge moving with the body does not.</param>
public sealed record VideoQualityReport(
    int Frames,
    SyncFigures Sync,
    double CornersMeanDiff, double CornersMaxDiff, double ForeheadMeanDiff, double ForeheadMaxDiff,
    double BlackBorderShare,
    float[] Opening, float[] OpeningWidth, float[] Loudness,
    RgbImage Sheet, RgbImage MouthSheet)
{
    public SpeechReference Speech { get; init; } = SpeechReference.FromLevels([]);

    /// <summary>Jaw drop per decoded frame (<see cref="JawMeter"/>, share of the mouth width) below where the still photo
    /// has it; 0 where the jaw is at or above the photo's position.</summary>
    public float[] JawOpening { get; init; } = [];

    /// <summary>The jaw measure against the speech: the same figures as <see cref="Sync"/>, from <see cref="JawOpening"/>.</summary>
    public SyncFigures JawSync { get; init; } = new(double.NaN, double.NaN, 0, 0, double.NaN, 0, 0);

    /// <summary>Pearson correlation of the cavity and jaw curves (lag 0): how far the two measures agree on this clip.</summary>
    public double MeterAgreement { get; init; } = double.NaN;
}

/// <summary>
/// Decodes a generated MP4 and measures it: mouth opening per frame against the speech loudness, twice
/// (the dark cavity, <see cref="MouthMeter"/>, and the jaw's displacement against the still photo,
/// <see cref="JawMeter"/>), stability of regions away from the mouth, black borders; and draws two contact
/// sheets (whole frames with the jaw curve, and the mouth region at native resolution with the cavity curve)
/// of every <c>sheetEvery</c>-th frame.
/// <para>
/// <paramref name="stillReference"/> in <c>AnalyseAsync</c> is the photo framed as the video and not animated
/// (<c>FaceRenderer.Render(FacePose.Neutral)</c>); without it the first decoded frame stands in for it, which
/// is only right when the clip starts at rest.
/// </para>
/// </summary>
public static class VideoQualityAnalyzer
{
    public static async Task<VideoQualityReport> AnalyseAsync(string videoPath, FaceLandmarks landmarks, FrameLayout layout,
        AudioClip audio, int fps, int sheetEvery, RgbImage? stillReference = null, FfmpegOptions? ffmpeg = null, CancellationToken ct = default)
    {
        var mouth = new MouthMeter(landmarks, layout);
        if (stillReference != null) mouth.UseReference(stillReference);
        var stability = new StabilityMeter(landmarks, layout);
        var sheet = new ContactSheet(Math.Min(192, layout.Width));
        var mouthSheet = new ContactSheet(Math.Min(mouth.Region.Width, 240));
        var whole = new PixelRegion(0, 0, layout.Width, layout.Height);
        JawMeter? jaw = stillReference == null ? null : new JawMeter(landmarks, layout, stillReference);
        var jawDrops = new List<float>();
        var opening = new List<float>();
        var widths = new List<float>();
        double blackBorder = 0;
        var darkNearby = stillReference == null ? null : DarkNearRing(stillReference);
        var darkAbove = stillReference == null ? null : DarkAboveBottom(stillReference);

        int frames = await VideoFrameReader.ReadAsync(videoPath, layout.Width, layout.Height, (i, frame) =>
        {
            jaw ??= new JawMeter(landmarks, layout, frame);
            float drop = jaw.Measure(frame).Drop;
            jawDrops.Add(drop);
            var reading = mouth.Measure(frame);
            opening.Add(reading.Opening);
            widths.Add(reading.Width);
            stability.Observe(frame);
            blackBorder = Math.Max(blackBorder, BlackBorderShare(frame, darkNearby, darkAbove, Math.Max(0, drop) * jaw.MouthWidthPixels));
            if (i % sheetEvery == 0)
            {
                sheet.Add(i, frame, whole);
                mouthSheet.Add(i, frame, mouth.Region);
            }
        }, ffmpeg, ct).ConfigureAwait(false);

        var speech = SpeechReference.FromAudio(audio, fps, frames);
        var loudness = speech.Loudness;
        var open = RelativeToRest(opening.ToArray());
        var sync = SyncStatistics.Compute(open, speech, fps);
        // The jaw's rest is the still photo itself (drop 0), not the clip's most closed frames: pressed lips (p, b, m)
        // squeeze the skin under the lower lip up by ~4% of the mouth width, and taking that as "rest" made every
        // pause with the jaw exactly where the photo has it read as 15% open.
        var jawOpen = jawDrops.Select(d => Math.Max(0, d)).ToArray();
        var (cm, cx, fm, fx) = stability.Result;
        return new VideoQualityReport(frames, sync, cm, cx, fm, fx, blackBorder, open, widths.ToArray(), loudness,
            sheet.Compose(8, audio.Samples, audio.SampleRate, fps, loudness, jawOpen),
            mouthSheet.Compose(8, audio.Samples, audio.SampleRate, fps, loudness, open))
        {
            Speech = speech,
            JawOpening = jawOpen,
            JawSync = SyncStatistics.Compute(jawOpen, speech, fps),
            MeterAgreement = SyncStatistics.Pearson(open, jawOpen, 0, Math.Min(open.Length, jawOpen.Length)),
        };
    }

    /// <summary>
    /// Opening above the clip's most closed state (5th percentile): a photo whose lips show a dark line
    /// or a shadow at rest should not count that line as "open" in every frame.
    /// </summary>
    private static float[] RelativeToRest(float[] raw)
    {
        if (raw.Length == 0) return raw;
        var sorted = (float[])raw.Clone();
        Array.Sort(sorted);
        float rest = sorted[(int)(0.05 * (sorted.Length - 1))];
        return raw.Select(v => Math.Max(0, v - rest)).ToArray();
    }

    /// <summary>How far (output pixels at 512) the picture near the frame edge may move: hair touching the top edge moves with
    /// the whole head (about 10 px at 512 with the default motion), the background with the body's follow.</summary>
    public const int BorderReach = 16;

    /// <summary>
    /// <see cref="BorderReach"/> for a frame of this size: motion and the photo's shadows scale with the frame, so at 1024
    /// the reach is 32 px. A fixed 16 px flagged smile-teeth-man+en-male-hf-radio at 1024 (1.1%, frame 150): the shadow
    /// under his chin, 16-32 px above the bottom edge in the still, dragged to the edge by a wide "ah", as at 512.
    /// </summary>
    internal static int BorderReachFor(RgbImage frame) => (int)MathF.Round(BorderReach * MathF.Max(1, Math.Min(frame.Width, frame.Height) / 512f));

    /// <summary>
    /// Share of the 2-pixel outer ring darker than luma 12 (black padding shows up here), not counting
    /// ring pixels marked in <paramref name="darkNearby"/> (the photo itself is dark near them), nor bottom-edge
    /// pixels whose column has the photo's dark within <see cref="BorderReachFor"/> + <paramref name="jawDropPixels"/>
    /// above (<paramref name="darkAbove"/>): on a tight crop the jaw drags the shadow under the chin down to the
    /// bottom edge (smile-teeth-man at 512: the chin 57 px above the edge, the shadow at the edge in a wide "ah").
    /// </summary>
    public static double BlackBorderShare(RgbImage frame, bool[]? darkNearby = null, float[]? darkAbove = null, float jawDropPixels = 0)
    {
        int dark = 0, total = 0, reach = BorderReachFor(frame);
        for (int y = 0; y < frame.Height; y++)
            for (int x = 0; x < frame.Width; x++)
            {
                if (!InRing(frame, x, y)) continue;
                total++;
                if (PixelRegion.Luma(frame, x, y) >= 12 || (darkNearby?[y * frame.Width + x] ?? false)) continue;
                if (darkAbove != null && y >= frame.Height - 2 && darkAbove[x] <= reach + jawDropPixels) continue;
                dark++;
            }
        return total == 0 ? 0 : dark / (double)total;
    }

    /// <summary>Per column: how far above the bottom edge the still frame's nearest pixel darker than luma 30 is
    /// (within <see cref="BorderReachFor"/> columns either side); infinity where there is none.</summary>
    internal static float[] DarkAboveBottom(RgbImage still)
    {
        int reach = BorderReachFor(still);
        var rows = new float[still.Width];
        for (int x = 0; x < still.Width; x++)
        {
            rows[x] = float.PositiveInfinity;
            for (int y = still.Height - 1; y >= 0 && float.IsPositiveInfinity(rows[x]); y--)
                for (int xx = Math.Max(0, x - reach); xx <= Math.Min(still.Width - 1, x + reach); xx++)
                    if (PixelRegion.Luma(still, xx, y) < 30) { rows[x] = still.Height - 1 - y; break; }
        }
        return rows;
    }

    private static bool InRing(RgbImage frame, int x, int y) => y < 2 || y >= frame.Height - 2 || x < 2 || x >= frame.Width - 2;

    /// <summary>Per ring pixel of the still frame: is any pixel within <see cref="BorderReachFor"/> darker than luma 30?</summary>
    internal static bool[] DarkNearRing(RgbImage still)
    {
        int reach = BorderReachFor(still);
        var marks = new bool[still.Width * still.Height];
        for (int y = 0; y < still.Height; y++)
            for (int x = 0; x < still.Width; x++)
            {
                if (!InRing(still, x, y)) continue;
                bool found = false;
                for (int yy = Math.Max(0, y - reach); yy <= Math.Min(still.Height - 1, y + reach) && !found; yy++)
                    for (int xx = Math.Max(0, x - reach); xx <= Math.Min(still.Width - 1, x + reach) && !found; xx++)
                        found = PixelRegion.Luma(still, xx, yy) < 30;
                marks[y * still.Width + x] = found;
            }
        return marks;
    }
}
