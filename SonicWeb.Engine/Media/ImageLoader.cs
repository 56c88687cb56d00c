using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Media;

/// <summary>
/// Loads a PNG, JPEG or WebP photo as upright RGB24. Checks come cheapest first: file size, type by content,
/// stored dimensions from the header (against the pixel limit, before any decoding), then ffmpeg decodes one
/// frame to raw RGB24 and the EXIF orientation is applied with transpose/flip filters.
/// </summary>
/// <remarks>
/// ffmpeg 5.1's command line does rotate JPEGs by their EXIF tag on its own (autorotate), but ignores it in
/// PNG and WebP and ffprobe reports the stored, unrotated size. We therefore decode with -noautorotate and
/// apply the tag ourselves, the same way for every format and every ffmpeg version.
/// </remarks>
public static class ImageLoader
{
    public static Task<RgbImage> LoadAsync(string path, MediaLimits limits, CancellationToken ct) =>
        LoadAsync(path, limits, FfmpegOptions.Default, ct);

    public static async Task<RgbImage> LoadAsync(string path, MediaLimits limits, FfmpegOptions ffmpeg, CancellationToken ct)
    {
        var name = Path.GetFileName(path);
        MediaText.RequireFile(path, "image", limits.MaxImageBytes, "Engine:Limits:MaxImageBytes",
            EngineErrorCodes.UnsupportedImage, EngineErrorCodes.UnsupportedImage);

        // Bounded by MaxImageBytes; needed whole anyway for the EXIF block.
        var bytes = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
        var format = ImageFormats.Detect(bytes);
        if (format == ImageFormat.Unknown)
            throw Unsupported($"'{name}' is not a supported image; accepted types are {ImageFormats.AcceptedDescription}.");
        var header = ImageFormats.ReadHeader(bytes)
            ?? throw Unsupported($"'{name}' looks like a {format} image but its header is damaged or cut short.");
        CheckDimensions(header, limits);
        if (format == ImageFormat.Jpeg && !ImageFormats.JpegHasEnd(bytes))
            throw Unsupported($"The JPEG image '{name}' is truncated (it has no end-of-image marker); please upload the complete file.");

        var orientation = ExifOrientationReader.Read(bytes);
        var transform = ExifTransform.For(orientation);
        int width = transform.SwapsSides ? header.Height : header.Width;
        int height = transform.SwapsSides ? header.Width : header.Height;
        var pixels = await DecodeAsync(path, format, transform, width * height * 3, ffmpeg, ct).ConfigureAwait(false);
        return new RgbImage(width, height, pixels);
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

    private static async Task<byte[]> DecodeAsync(string path, ImageFormat format, ExifTransform transform, int expectedBytes,
        FfmpegOptions ffmpeg, CancellationToken ct)
    {
        var args = new FfmpegArguments()
            .Flag("-hide_banner").Flag("-nostdin").Option("-v", "error")
            .Option("-protocol_whitelist", "file")
            .Flag("-noautorotate")
            .Option("-f", ImageFormats.FfmpegDemuxer(format))
            .InputFile(path)
            .Option("-frames:v", 1)
            // Accurate chroma upsampling for JPEG/WebP (4:2:0) -> RGB; the default is faster but blurrier.
            .Option("-sws_flags", "bicubic+accurate_rnd+full_chroma_int");
        if (transform.Filter != null) args.Option("-vf", transform.Filter);
        args.Option("-f", "rawvideo").Option("-pix_fmt", "rgb24").OutputStdout();

        var pixels = new byte[expectedBytes];
        int filled = 0;
        await using var process = FfmpegProcess.Start(ffmpeg.FfmpegPath, args, new FfmpegRunOptions
        {
            ReadStdout = async (stdout, token) =>
            {
                int read;
                while (filled < pixels.Length && (read = await stdout.ReadAsync(pixels.AsMemory(filled), token).ConfigureAwait(false)) > 0)
                    filled += read;
            },
        });
        var exit = await process.WaitForExitAsync(ct).ConfigureAwait(false);
        var name = Path.GetFileName(path);
        if (exit != 0)
            throw process.Failure(EngineErrorCodes.UnsupportedImage, $"The {format} image '{name}' could not be decoded; it may be corrupt or truncated");
        if (filled < expectedBytes)
            throw Unsupported($"The {format} image '{name}' is corrupt or truncated: it decoded to {filled} of {expectedBytes} expected bytes.");
        return pixels;
    }

    private static SonicEngineException Unsupported(string message) => new(EngineErrorCodes.UnsupportedImage, message);
}

/// <summary>The ffmpeg filter that turns an image stored with EXIF orientation 1-8 upright.</summary>
public sealed record ExifTransform(int Orientation, string? Filter, bool SwapsSides)
{
    public static ExifTransform For(int orientation) => orientation switch
    {
        2 => new(2, "hflip", false),                   // mirrored
        3 => new(3, "hflip,vflip", false),             // upside down (180)
        4 => new(4, "vflip", false),                   // mirrored upside down
        5 => new(5, "transpose=cclock_flip", true),    // mirrored along the main diagonal
        6 => new(6, "transpose=clock", true),          // stored 90 degrees counter-clockwise: turn clockwise
        7 => new(7, "transpose=clock_flip", true),     // mirrored along the anti-diagonal
        8 => new(8, "transpose=cclock", true),         // stored 90 degrees clockwise: turn counter-clockwise
        _ => new(1, null, false),
    };
}
