using System.Numerics;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Rendering;

namespace SonicWeb.Quality;

/// <summary>
/// Close-ups of the two mouth corners (`--corners`): per corner one strip of the open-mouth key poses side by side
/// (neutral first; each pose also on its own, NAME-corner-POSE.png), each a square around the landmark corner,
/// enlarged with nearest-neighbour pixels (8x at 512, 6x at 1024) and parted by a white line, so a speck of one or
/// two output pixels where the opening ends shows.
/// </summary>
internal static class CornerCloseUps
{
    private static readonly string[] PoseNames = ["neutral", "open-half", "open-wide", "open-max", "open-spread", "open-rounded", "turned", "open-max-turned"];

    /// <summary>Writes left-corner.png and right-corner.png (image-left / image-right) into <paramref name="outDir"/>.</summary>
    public static void Write(RgbImage photo, FaceLandmarks landmarks, FrameLayout layout, string outDir, int zoom)
    {
        Directory.CreateDirectory(outDir);
        var renderer = new FaceRenderer(photo, landmarks, layout);
        var frames = PoseNames.Select(name =>
        {
            var frame = new RgbImage(renderer.Width, renderer.Height);
            renderer.Render(PoseCloseUps.Poses.Single(p => p.Name == name).Pose, frame.Pixels);
            return frame;
        }).ToArray();
        var p = landmarks.Points;
        float perPixel = layout.SourceCrop.Width / layout.Width;
        // A quarter of the mouth's width either side of the corner: the corner, the cheek beside it and the
        // opening's narrowing tip.
        int half = Math.Max(8, (int)MathF.Round(0.25f * Vector2.Distance(p[48], p[54]) / perPixel));
        foreach (var (name, corner) in new[] { ("left", p[48]), ("right", p[54]) })
        {
            int cu = (int)((corner.X - layout.SourceCrop.X) / perPixel), cv = (int)((corner.Y - layout.SourceCrop.Y) / perPixel);
            var box = (X: Math.Clamp(cu - half, 0, layout.Width - 2 * half), Y: Math.Clamp(cv - half, 0, layout.Height - 2 * half), W: 2 * half, H: 2 * half);
            int tile = box.W * zoom;
            var strip = new RgbImage(frames.Length * (tile + 2), box.H * zoom);
            Array.Fill(strip.Pixels, (byte)255);
            for (int f = 0; f < frames.Length; f++)
                for (int y = 0; y < strip.Height; y++)
                    for (int x = 0; x < tile; x++)
                    {
                        int s = (box.Y + y / zoom) * frames[f].Stride + (box.X + x / zoom) * 3, d = y * strip.Stride + (f * (tile + 2) + x) * 3;
                        strip.Pixels[d] = frames[f].Pixels[s]; strip.Pixels[d + 1] = frames[f].Pixels[s + 1]; strip.Pixels[d + 2] = frames[f].Pixels[s + 2];
                    }
            File.WriteAllBytes(Path.Combine(outDir, $"{name}-corner.png"), ImageEncoder.Png(strip));
            for (int f = 0; f < frames.Length; f++)
                File.WriteAllBytes(Path.Combine(outDir, $"{name}-corner-{PoseNames[f]}.png"), ImageEncoder.Png(Tile(strip, f * (tile + 2), tile)));
            Console.WriteLine($"{name} corner: output ({cu}, {cv}), box {box}, poses {string.Join(" | ", PoseNames)}");
        }
    }

    /// <summary>Columns [x0, x0 + width) of <paramref name="strip"/>: one pose on its own, to look at at full size.</summary>
    private static RgbImage Tile(RgbImage strip, int x0, int width)
    {
        var tile = new RgbImage(width, strip.Height);
        for (int y = 0; y < strip.Height; y++)
            Array.Copy(strip.Pixels, y * strip.Stride + 3 * x0, tile.Pixels, y * tile.Stride, 3 * width);
        return tile;
    }
}
