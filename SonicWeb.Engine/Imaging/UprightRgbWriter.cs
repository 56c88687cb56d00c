namespace SonicWeb.Engine.Imaging;

/// <summary>
/// Collects decoded RGBA rows, as stored in the file, into an upright RGB24 <see cref="RgbImage"/>:
/// the EXIF orientation (1-8) is applied while the alpha byte is dropped, so turning a photo costs no
/// pass of its own. Alpha is dropped, not blended (as ffmpeg's rgb24 conversion does): the colour
/// under a transparent pixel is what the renderer sees.
/// </summary>
internal sealed class UprightRgbWriter
{
    private readonly int _storedWidth, _storedHeight;
    // Destination pixel of stored pixel (x, y) = _origin + x * _stepX + y * _stepY.
    private readonly int _origin, _stepX, _stepY;

    public UprightRgbWriter(int storedWidth, int storedHeight, int orientation)
    {
        _storedWidth = storedWidth;
        _storedHeight = storedHeight;
        bool turned = orientation is >= 5 and <= 8;
        Image = turned ? new RgbImage(storedHeight, storedWidth) : new RgbImage(storedWidth, storedHeight);
        int w = Image.Width, lastX = storedWidth - 1, lastY = storedHeight - 1;
        (_origin, _stepX, _stepY) = orientation switch
        {
            2 => (lastX, -1, w),                 // mirrored left-right
            3 => (lastY * w + lastX, -1, -w),     // upside down
            4 => (lastY * w, 1, -w),              // mirrored top-bottom
            5 => (0, w, 1),                       // mirrored along the main diagonal
            6 => (lastY, w, -1),                  // stored turned counter-clockwise: turn clockwise
            7 => (lastX * w + lastY, -w, -1),     // mirrored along the other diagonal
            8 => (lastX * w, -w, 1),              // stored turned clockwise: turn counter-clockwise
            _ => (0, 1, w),                       // 1 (or a bad value): as stored
        };
    }

    /// <summary>The upright picture (complete once every stored row has been written).</summary>
    public RgbImage Image { get; }

    /// <summary>Writes <paramref name="rowCount"/> stored rows starting at stored row <paramref name="firstRow"/>.</summary>
    public void WriteRows(ReadOnlySpan<byte> rgba, int rowBytes, int firstRow, int rowCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstRow + rowCount, _storedHeight);
        var dst = Image.Pixels;
        for (int r = 0; r < rowCount; r++)
        {
            var row = rgba.Slice(r * rowBytes, _storedWidth * 4);
            int y = firstRow + r;
            if (_stepX == 1)
            {
                // Orientation 1 or 4: rows stay rows, only their order may change.
                var target = dst.AsSpan((_origin + y * _stepY) * 3, _storedWidth * 3);
                for (int x = 0, i = 0; x < _storedWidth; x++, i += 3)
                {
                    target[i] = row[x * 4];
                    target[i + 1] = row[x * 4 + 1];
                    target[i + 2] = row[x * 4 + 2];
                }
                continue;
            }
            int at = _origin + y * _stepY;
            for (int x = 0; x < _storedWidth; x++, at += _stepX)
            {
                int o = at * 3;
                dst[o] = row[x * 4];
                dst[o + 1] = row[x * 4 + 1];
                dst[o + 2] = row[x * 4 + 2];
            }
        }
    }
}
