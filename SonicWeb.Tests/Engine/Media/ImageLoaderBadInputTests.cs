using System.Buffers.Binary;
using System.Diagnostics;
using SonicWeb.Engine.Errors;
using SonicWeb.Engine.Media;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Media;

/// <summary>
/// What an upload service must survive: headers that promise huge pictures, random bytes behind a valid
/// signature, files cut anywhere, and a fixed-seed fuzz set of mutated files. Every one ends in a typed
/// <see cref="SonicEngineException"/> (or, for a mutation that still decodes, a picture) within seconds:
/// no crash of the test process, no hang, no other exception.
/// </summary>
public class ImageLoaderBadInputTests(ITestOutputHelper output)
{
    private static readonly MediaLimits Limits = new();

    public static TheoryData<string, byte[]> HugeHeaders() => new()
    {
        // PNG: signature, then IHDR 100000 x 100000, 8-bit RGB; no pixel data at all.
        { "huge.png", [.. ImageFormats.PngSignature, 0, 0, 0, 13, .. "IHDR"u8, .. BigEndian(100_000), .. BigEndian(100_000), 8, 2, 0, 0, 0, 0, 0, 0, 0] },
        // JPEG: SOI, then a baseline frame header (SOF0) of 65000 x 65000, three components; then an end marker.
        { "huge.jpg", [0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, 0xFD, 0xE8, 0xFD, 0xE8, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9] },
        // WebP: extended header (VP8X) with a 16384 x 16384 canvas.
        { "huge.webp", [.. "RIFF"u8, 22, 0, 0, 0, .. "WEBP"u8, .. "VP8X"u8, 10, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0x3F, 0, 0xFF, 0x3F, 0] },
    };

    [Theory]
    [MemberData(nameof(HugeHeaders))]
    public async Task A_header_promising_a_huge_picture_is_refused_before_any_decoding(string name, byte[] bytes)
    {
        var e = await LoadFails(MediaFixtures.WriteFile(name, bytes), EngineErrorCodes.ImageTooLarge);
        output.WriteLine(e.Message);
        Assert.Contains("Engine:Limits:MaxImagePixels", e.Message);
        Assert.Matches(@"\d+x\d+", e.Message);
    }

    public static TheoryData<string, byte[]> Signatures() => new()
    {
        { "noise.png", [] },
        { "signed.png", [.. ImageFormats.PngSignature] },
        { "signed.jpg", [0xFF, 0xD8, 0xFF] },
        { "signed.webp", [.. "RIFF"u8, 0, 0, 1, 0, .. "WEBP"u8, .. "VP8 "u8] },
    };

    [Theory]
    [MemberData(nameof(Signatures))]
    public async Task Random_bytes_behind_a_signature_are_unsupported(string name, byte[] signature)
    {
        var noise = new byte[64 * 1024];
        new Random(name.Length).NextBytes(noise);
        signature.CopyTo(noise, 0);
        var e = await LoadFails(MediaFixtures.WriteFile(name, noise), EngineErrorCodes.UnsupportedImage);
        output.WriteLine(e.Message);
        Assert.Contains(name, e.Message);
    }

    /// <summary>Cut at every 5% of the file: never a picture (grey or black below the cut), always "truncated".</summary>
    [Theory]
    [InlineData("png")]
    [InlineData("jpg")]
    [InlineData("webp")]
    public async Task A_file_cut_anywhere_is_refused_as_truncated(string extension)
    {
        var whole = await File.ReadAllBytesAsync(FuzzBase(extension));
        for (int percent = 5; percent <= 95; percent += 5)
        {
            int length = whole.Length * percent / 100;
            var e = await LoadFails(MediaFixtures.WriteFile($"cut{percent}.{extension}", whole[..length]), EngineErrorCodes.UnsupportedImage);
            Assert.True(e.Message.Contains("truncated") || e.Message.Contains("cut short"), $"{percent}%: {e.Message}");
        }
    }

    [Fact]
    public async Task A_cut_jpeg_is_refused_even_when_its_exif_thumbnail_is_complete()
    {
        // The thumbnail (a whole JPEG inside APP1, end marker included) must not vouch for the main image.
        var folder = MediaFixtures.NewFolder("thumb");
        var thumbnail = Path.Combine(folder, "thumb.jpg");
        TestMedia.Run("ffmpeg", "-v", "error", "-y", "-i", TestMedia.AstronautPng, "-vf", "scale=64:64", thumbnail);
        var photo = Path.Combine(folder, "photo.jpg");
        File.Copy(TestMedia.Convert(TestMedia.AstronautPng, "thumb-base.jpg", "-q:v", "3"), photo);
        TestMedia.Run("exiftool", "-q", "-overwrite_original", $"-ThumbnailImage<={thumbnail}", photo);
        var whole = await File.ReadAllBytesAsync(photo);
        Assert.True(whole.AsSpan().IndexOf([(byte)0xFF, (byte)0xD9]) < whole.Length - 2, "the thumbnail's end marker comes first");

        var e = await LoadFails(MediaFixtures.WriteFile("cut-with-thumbnail.jpg", whole[..(whole.Length * 3 / 5)]), EngineErrorCodes.UnsupportedImage);
        Assert.Contains("truncated", e.Message);
        Assert.Equal((512, 512), await SizeOf(photo)); // the complete file still loads
    }

    private static async Task<(int, int)> SizeOf(string path)
    {
        var image = await ImageLoader.LoadAsync(path, Limits, CancellationToken.None);
        return (image.Width, image.Height);
    }

    [Fact]
    public async Task Six_hundred_mutated_and_truncated_images_end_in_typed_errors_or_pictures()
    {
        string[] bases = [FuzzBase("png"), FuzzBase("jpg"), FuzzBase("webp"), FuzzBase("lossless.webp"),
                          MediaFixtures.MarkedImage("png", 6), MediaFixtures.MarkedImage("jpg", 8), MediaFixtures.MarkedImage("webp", 3)];
        var files = bases.Select(File.ReadAllBytes).ToArray();
        var folder = MediaFixtures.NewFolder("fuzz");
        // A small pixel limit keeps mutated headers that promise big pictures cheap (they must still fail typed).
        var limits = new MediaLimits { MaxImagePixels = 4_000_000, MaxImageSide = 4000 };
        var random = new Random(20261202);
        var outcomes = new Dictionary<string, int>();
        var stopwatch = Stopwatch.StartNew();
        const int cases = 600;
        for (int i = 0; i < cases; i++)
        {
            int which = random.Next(files.Length);
            var (mutation, bytes) = Mutate(files[which], random);
            var path = Path.Combine(folder, $"case{i:000}{Path.GetExtension(bases[which])}");
            await File.WriteAllBytesAsync(path, bytes);
            string outcome;
            try
            {
                var image = await ImageLoader.LoadAsync(path, limits, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
                Assert.True(image.Width > 0 && image.Height > 0 && image.Pixels.Length >= image.Width * image.Height * 3);
                outcome = "decoded";
            }
            catch (SonicEngineException e)
            {
                Assert.True(e.Code is EngineErrorCodes.UnsupportedImage or EngineErrorCodes.ImageTooLarge,
                    $"case {i} ({mutation} of {Path.GetFileName(bases[which])}): code {e.Code}: {e.Message}");
                outcome = e.Code;
            }
            catch (TimeoutException)
            {
                Assert.Fail($"case {i} ({mutation} of {Path.GetFileName(bases[which])}) did not finish within 30 s: {path}");
                throw;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"case {i} ({mutation} of {Path.GetFileName(bases[which])}) threw {e.GetType().Name}: {e.Message} ({path})");
                throw;
            }
            string key = $"{mutation} -> {outcome}";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }
        output.WriteLine($"{cases} cases in {stopwatch.Elapsed.TotalSeconds:0.0} s");
        foreach (var (key, count) in outcomes.OrderBy(p => p.Key)) output.WriteLine($"  {key}: {count}");
        Assert.Equal(cases, outcomes.Values.Sum());
        // The set must really exercise the refusals, not only files that still decode.
        Assert.True(outcomes.Where(p => p.Key.EndsWith(EngineErrorCodes.UnsupportedImage)).Sum(p => p.Value) > cases / 3);
    }

    /// <summary>One random change: cut, flipped bytes, an overwritten run, a deleted or repeated range, a scrambled header.</summary>
    private static (string Mutation, byte[] Bytes) Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0:
                return ("cut", bytes[..random.Next(1, bytes.Length)]);
            case 1:
                for (int k = random.Next(1, 17); k > 0; k--) bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                return ("flipped bytes", bytes);
            case 2:
            {
                int at = random.Next(bytes.Length), length = Math.Min(random.Next(1, 65), bytes.Length - at);
                random.NextBytes(bytes.AsSpan(at, length));
                return ("overwritten run", bytes);
            }
            case 3:
            {
                int at = random.Next(bytes.Length), length = random.Next(1, Math.Min(4096, bytes.Length - at) + 1);
                return ("deleted range", [.. bytes[..at], .. bytes[(at + length)..]]);
            }
            case 4:
            {
                int at = random.Next(bytes.Length), length = random.Next(1, Math.Min(4096, bytes.Length - at) + 1);
                return ("repeated range", [.. bytes[..(at + length)], .. bytes[at..]]);
            }
            default:
                // Inside the first 64 bytes: signatures, chunk lengths, sizes, markers.
                for (int k = random.Next(1, 5); k > 0; k--) bytes[random.Next(Math.Min(64, bytes.Length))] = (byte)random.Next(256);
                return ("scrambled header", bytes);
        }
    }

    /// <summary>The astronaut at 128x128 in the given format (small, so hundreds of cases take seconds).</summary>
    private static string FuzzBase(string kind) => kind switch
    {
        "png" => TestMedia.Convert(TestMedia.AstronautPng, "fuzz-base.png", "-vf", "scale=128:128"),
        "jpg" => TestMedia.Convert(TestMedia.AstronautPng, "fuzz-base.jpg", "-vf", "scale=128:128", "-q:v", "3"),
        "webp" => TestMedia.Convert(TestMedia.AstronautPng, "fuzz-base.webp", "-vf", "scale=128:128", "-quality", "80"),
        "lossless.webp" => TestMedia.Convert(TestMedia.AstronautPng, "fuzz-base-lossless.webp", "-vf", "scale=128:128", "-lossless", "1"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static async Task<SonicEngineException> LoadFails(string path, string code)
    {
        var e = await Assert.ThrowsAsync<SonicEngineException>(() => ImageLoader.LoadAsync(path, Limits, CancellationToken.None));
        Assert.Equal(code, e.Code);
        return e;
    }
}
