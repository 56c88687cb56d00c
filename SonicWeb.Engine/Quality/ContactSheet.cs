using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Quality;

/// <summary>
/// Builds a contact sheet: chosen frames tiled in rows, each with a small bar pair under it (red =
/// measured mouth opening, green = loudness at that frame), and under the tiles a strip with the whole
/// clip's waveform (grey), loudness (green), measured opening (red) and a tick at every tiled frame.
/// </summary>
public sealed class ContactSheet
{
    private const int BarHeight = 6, Gap = 4, StripHeight = 140;
    private readonly List<(int Frame, RgbImage Tile)> _tiles = [];
    private readonly int _tileWidth;

    public ContactSheet(int tileWidth) => _tileWidth = tileWidth;

    public int TileCount => _tiles.Count;

    /// <summary>Adds a tile: <paramref name="region"/> of <paramref name="frame"/> scaled to the tile width (area average).</summary>
    public void Add(int frameIndex, RgbImage frame, PixelRegion region)
        => _tiles.Add((frameIndex, Downscale(frame, region, _tileWidth)));

    public RgbImage Compose(int columns, float[] waveform, int sampleRate, int fps, float[] loudness, float[] opening)
    {
        if (_tiles.Count == 0) throw new InvalidOperationException("No tiles.");
        int tileHeight = _tiles[0].Tile.Height;
        int rows = (_tiles.Count + columns - 1) / columns;
        int cellHeight = tileHeight + BarHeight * 2 + Gap;
        int width = columns * (_tileWidth + Gap) + Gap;
        int height = Gap + rows * (cellHeight + Gap) + StripHeight + Gap;
        var sheet = new RgbImage(width, height);
        Fill(sheet, 0, 0, width, height, 32, 32, 36);
        float maxOpening = Math.Max(1e-6f, opening.Max());

        for (int t = 0; t < _tiles.Count; t++)
        {
            var (frame, tile) = _tiles[t];
            int x0 = Gap + t % columns * (_tileWidth + Gap), y0 = Gap + t / columns * (cellHeight + Gap);
            Blit(tile, sheet, x0, y0);
            float o = frame < opening.Length ? opening[frame] / maxOpening : 0;
            float l = frame < loudness.Length ? loudness[frame] : 0;
            Fill(sheet, x0, y0 + tileHeight, (int)(o * _tileWidth), BarHeight, 220, 60, 60);
            Fill(sheet, x0, y0 + tileHeight + BarHeight, (int)(l * _tileWidth), BarHeight, 60, 200, 90);
        }

        int stripTop = Gap + rows * (cellHeight + Gap);
        DrawStrip(sheet, stripTop, waveform, sampleRate, fps, loudness, opening, maxOpening);
        return sheet;
    }

    private void DrawStrip(RgbImage sheet, int top, float[] waveform, int sampleRate, int fps, float[] loudness, float[] opening, float maxOpening)
    {
        int w = sheet.Width, h = StripHeight, mid = top + h / 2;
        Fill(sheet, 0, top, w, h, 16, 16, 20);
        int frames = Math.Max(1, loudness.Length);
        double samplesPerColumn = waveform.Length / (double)w;
        float peak = Math.Max(1e-6f, waveform.Max(MathF.Abs));
        for (int x = 0; x < w; x++)
        {
            int s0 = (int)(x * samplesPerColumn), s1 = Math.Min(waveform.Length, (int)((x + 1) * samplesPerColumn) + 1);
            float lo = 0, hi = 0;
            for (int s = s0; s < s1; s++) { lo = Math.Min(lo, waveform[s]); hi = Math.Max(hi, waveform[s]); }
            int y0 = mid - (int)(hi / peak * (h / 2 - 2)), y1 = mid - (int)(lo / peak * (h / 2 - 2));
            Fill(sheet, x, y0, 1, Math.Max(1, y1 - y0), 110, 110, 120);
        }
        // Curves: value 1 at the strip top, 0 at its bottom.
        int previousLoud = -1, previousOpen = -1;
        for (int x = 0; x < w; x++)
        {
            int f = Math.Min(frames - 1, (int)(x / (double)w * frames));
            int yLoud = top + h - 2 - (int)(loudness[f] * (h - 4));
            int yOpen = top + h - 2 - (int)((f < opening.Length ? opening[f] : 0) / maxOpening * (h - 4));
            VerticalLine(sheet, x, previousLoud < 0 ? yLoud : previousLoud, yLoud, 60, 220, 90);
            VerticalLine(sheet, x, previousOpen < 0 ? yOpen : previousOpen, yOpen, 240, 70, 70);
            previousLoud = yLoud; previousOpen = yOpen;
        }
        foreach (var (frame, _) in _tiles)
        {
            int x = (int)(frame / (double)frames * w);
            Fill(sheet, x, top, 1, 8, 230, 230, 230);
        }
    }

    private static RgbImage Downscale(RgbImage frame, PixelRegion region, int tileWidth)
    {
        int tileHeight = Math.Max(1, (int)Math.Round(tileWidth * region.Height / (double)region.Width));
        var tile = new RgbImage(tileWidth, tileHeight);
        double kx = region.Width / (double)tileWidth, ky = region.Height / (double)tileHeight;
        for (int ty = 0; ty < tileHeight; ty++)
        {
            int y0 = region.Y0 + (int)(ty * ky), y1 = Math.Max(y0 + 1, region.Y0 + (int)((ty + 1) * ky));
            for (int tx = 0; tx < tileWidth; tx++)
            {
                int x0 = region.X0 + (int)(tx * kx), x1 = Math.Max(x0 + 1, region.X0 + (int)((tx + 1) * kx));
                int r = 0, g = 0, b = 0, n = 0;
                for (int y = y0; y < Math.Min(y1, frame.Height); y++)
                    for (int x = x0; x < Math.Min(x1, frame.Width); x++, n++)
                    {
                        int i = y * frame.Stride + x * 3;
                        r += frame.Pixels[i]; g += frame.Pixels[i + 1]; b += frame.Pixels[i + 2];
                    }
                int o = ty * tile.Stride + tx * 3;
                if (n > 0) { tile.Pixels[o] = (byte)(r / n); tile.Pixels[o + 1] = (byte)(g / n); tile.Pixels[o + 2] = (byte)(b / n); }
            }
        }
        return tile;
    }

    private static void Blit(RgbImage tile, RgbImage sheet, int x0, int y0)
    {
        for (int y = 0; y < tile.Height && y0 + y < sheet.Height; y++)
            tile.Row(y).CopyTo(sheet.Pixels.AsSpan((y0 + y) * sheet.Stride + x0 * 3, tile.Stride));
    }

    private static void Fill(RgbImage image, int x0, int y0, int w, int h, byte r, byte g, byte b)
    {
        for (int y = Math.Max(0, y0); y < Math.Min(image.Height, y0 + h); y++)
            for (int x = Math.Max(0, x0); x < Math.Min(image.Width, x0 + w); x++)
            {
                int i = y * image.Stride + x * 3;
                image.Pixels[i] = r; image.Pixels[i + 1] = g; image.Pixels[i + 2] = b;
            }
    }

    /// <summary>Joins a curve's previous point to its current one in column x (2 px thick).</summary>
    private static void VerticalLine(RgbImage image, int x, int fromY, int toY, byte r, byte g, byte b)
        => Fill(image, x, Math.Min(fromY, toY) - 1, 1, Math.Abs(toY - fromY) + 2, r, g, b);
}
