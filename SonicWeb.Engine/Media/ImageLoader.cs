using System.Buffers;
using System.Runtime.InteropServices;
using SkiaSharp;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Media;

/// <summary>
/// Loads a PNG, JPEG or WebP photo as upright RGB24, in process with Skia (libpng, libjpeg-turbo, libwebp).
/// Checks come cheapest first: file size, type by content, stored dimensions from the header (against the
/// pixel limit, before any decoding), the container's completeness (a cut file is refused, never shown
/// grey below the cut), then the decoder, which must deliver every row. The EXIF orientation is applied while
/// the decoded rows are copied out: Skia's encoded origin for JPEG and WebP, our reader for PNG's eXIf
/// chunk (which Skia does not read). Every failure is a <see cref="SonicEngineException"/> naming the
/// problem; nothing from the decoder escapes untyped.
/// </summary>
public static class ImageLoader
{
    /// <summary>Rows decoded per step when the codec can decode row by row (JPEG, non-interlaced PNG).</summary>
    private const int StripRows = 32;

    public static async Task<RgbImage> LoadAsync(string path, MediaLimits limits, CancellationToken ct)
    {
        var name = Path.GetFileName(path);
        MediaText.RequireFile(path, "image", limits.MaxImageBytes, "Engine:Limits:MaxImageBytes",
            EngineErrorCodes.UnsupportedImage, EngineErrorCodes.UnsupportedImage);

        // Bounded by MaxImageBytes; needed whole anyway for the header and the EXIF block.
        var bytes = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
        var format = ImageFormats.Detect(bytes);
        if (format == ImageFormat.Unknown)
            throw Unsupported($"'{name}' is not a supported image; accepted types are {ImageFormats.AcceptedDescription}.");
        var header = ImageFormats.ReadHeader(bytes)
            ?? throw Unsupported($"'{name}' looks like a {format} image but its header is damaged or cut short.");
        CheckDimensions(header, limits);
        if (ImageFormats.TruncationReason(bytes, format) is { } cut)
            throw Unsupported($"The {format} image '{name}' is truncated ({cut}); please upload the complete file.");

        // Decoding is CPU work (a 40 MP JPEG takes a few hundred ms): off the caller's thread, so the
        // pipeline's audio decoding runs beside it.
        return await Task.Run(() => Decode(bytes, header, name, ct), ct).ConfigureAwait(false);
    }

    /// <summary>Throws image_too_large when the stored size exceeds a limit.</summary>
    public static void CheckDimensions(ImageHeader header, MediaLimits limits)
    {
        if (header.Pixels > limits.MaxImagePixels)
            throw new SonicEngineException(EngineErrorCodes.ImageTooLarge,
                $"Image is {header.Width}x{header.Height} = {MediaText.Megapixels(header.Pixels)}; the limit is {MediaText.Megapixels(limits.MaxImagePixels)} (Engine:Limits:MaxImagePixels).");
        if (Math.Max(header.Width, header.Height) > limits.MaxImageSide)
            throw new SonicEngineException(EngineErrorCodes.ImageTooLarge,
                $"Image is {header.Width}x{header.Height}; the longest side may be at most {limits.MaxImageSide} pixels (Engine:Limits:MaxImageSide).");
    }

    private static RgbImage Decode(byte[] bytes, ImageHeader header, string name, CancellationToken ct)
    {
        var format = header.Format;
        try
        {
            using var data = SKData.CreateCopy(bytes);
            using var codec = SKCodec.Create(data)
                ?? throw Unsupported($"The {format} image '{name}' could not be decoded: its data is damaged.");
            var info = codec.Info;
            // Our header reader and the decoder must agree, or the limit was checked against the wrong size.
            if (info.Width != header.Width || info.Height != header.Height)
                throw Unsupported($"The {format} image '{name}' is damaged: its header says {header.Width}x{header.Height} but the image data is {info.Width}x{info.Height}.");

            int orientation = format == ImageFormat.Png ? ExifOrientationReader.Read(bytes) : (int)codec.EncodedOrigin;
            var writer = new UprightRgbWriter(info.Width, info.Height, orientation);
            // No colour space: the pixels as stored, no colour management (as ffmpeg decoded them).
            var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            ct.ThrowIfCancellationRequested();
            if (codec.StartScanlineDecode(target) == SKCodecResult.Success && codec.ScanlineOrder == SKCodecScanlineOrder.TopDown)
                DecodeInStrips(codec, target, writer, format, name, ct);
            else
                DecodeWhole(codec, target, writer, format, name);
            return writer.Image;
        }
        catch (Exception e) when (e is not SonicEngineException and not OperationCanceledException)
        {
            throw new SonicEngineException(EngineErrorCodes.UnsupportedImage, $"The {format} image '{name}' could not be decoded: {e.Message}", e);
        }
    }

    /// <summary>Row by row through a small buffer: the decoded picture is never held twice in full.</summary>
    private static unsafe void DecodeInStrips(SKCodec codec, SKImageInfo target, UprightRgbWriter writer, ImageFormat format, string name, CancellationToken ct)
    {
        int rowBytes = target.Width * 4;
        var strip = ArrayPool<byte>.Shared.Rent(rowBytes * StripRows);
        try
        {
            fixed (byte* p = strip)
            {
                for (int row = 0; row < target.Height; row += StripRows)
                {
                    ct.ThrowIfCancellationRequested();
                    int want = Math.Min(StripRows, target.Height - row);
                    int got = codec.GetScanlines((nint)p, want, rowBytes);
                    if (got < want)
                        throw Unsupported($"The {format} image '{name}' is truncated or corrupt: only {row + got} of its {target.Height} rows could be decoded; please upload the complete file.");
                    writer.WriteRows(strip.AsSpan(0, want * rowBytes), rowBytes, row, want);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(strip);
        }
    }

    /// <summary>For codecs without row-by-row decoding (WebP, interlaced PNG): the whole picture at once, in native memory.</summary>
    private static unsafe void DecodeWhole(SKCodec codec, SKImageInfo target, UprightRgbWriter writer, ImageFormat format, string name)
    {
        int rowBytes = target.Width * 4;
        nuint size = (nuint)rowBytes * (nuint)target.Height;
        void* pixels = NativeMemory.Alloc(size);
        try
        {
            var result = codec.GetPixels(target, (nint)pixels, rowBytes, new SKCodecOptions());
            switch (result)
            {
                case SKCodecResult.Success:
                    break;
                case SKCodecResult.IncompleteInput:
                    throw Unsupported($"The {format} image '{name}' is truncated (its image data ends early); please upload the complete file.");
                case SKCodecResult.ErrorInInput or SKCodecResult.InvalidInput:
                    throw Unsupported($"The {format} image '{name}' is corrupt: its image data could not be decoded ({result}).");
                default:
                    throw Unsupported($"The {format} image '{name}' could not be decoded ({result}).");
            }
            for (int row = 0; row < target.Height; row += StripRows)
            {
                int count = Math.Min(StripRows, target.Height - row);
                writer.WriteRows(new ReadOnlySpan<byte>((byte*)pixels + (long)row * rowBytes, count * rowBytes), rowBytes, row, count);
            }
        }
        finally
        {
            NativeMemory.Free(pixels);
        }
    }

    private static SonicEngineException Unsupported(string message) => new(EngineErrorCodes.UnsupportedImage, message);
}
