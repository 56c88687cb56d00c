using System.Buffers.Binary;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Web.Security;

/// <summary>One generated hostile request: what it is (for the failure message) and how to send it.</summary>
public sealed record FuzzCase(string Kind, string Description, Func<HttpClient, CancellationToken, Task<HttpResponseMessage>> Send);

/// <summary>
/// Hostile requests from a fixed seed: random bytes under media names, truncated and bit-flipped real files,
/// decompression bombs (a PNG, JPEG and WebP lying about their size, a WAV declaring hours, a zip bomb in a batch),
/// polyglots, hostile file names, malformed configs and numbers. The same seed gives the same cases.
/// </summary>
public sealed class FuzzCases
{
    private readonly Random _random;
    private readonly byte[] _png, _jpeg, _webp, _wav, _mp3;
    private readonly byte[] _zipBomb;

    public FuzzCases(int seed)
    {
        _random = new Random(seed);
        // Small real inputs (a 256 px photo, a short recording): mutations of them reach the deeper checks quickly.
        _png = File.ReadAllBytes(Small("fuzz-photo.png", TestMedia.AstronautPng, "-vf", "scale=256:-2"));
        _jpeg = File.ReadAllBytes(Small("fuzz-photo.jpg", TestMedia.AstronautPng, "-vf", "scale=256:-2"));
        _webp = File.ReadAllBytes(Small("fuzz-photo.webp", TestMedia.AstronautPng, "-vf", "scale=256:-2"));
        var speech = TestMedia.Speech("Hello there.", "fuzz-speech");
        _wav = File.ReadAllBytes(speech);
        _mp3 = File.ReadAllBytes(Small("fuzz-speech.mp3", speech));
        _zipBomb = ZipBomb();
    }

    private static string Small(string name, string input, params string[] filter) => TestMedia.Convert(input, name, filter);

    private static readonly string[] ImageNames = ["photo.png", "photo.jpg", "photo.jpeg", "photo.webp", "x.PNG", "photo"];
    private static readonly string[] AudioNames = ["voice.wav", "voice.mp3", "voice.m4a", "voice.flac", "voice.ogg", "voice"];
    private static readonly string[] ImageTypes = ["image/png", "image/jpeg", "image/webp", "application/octet-stream", "text/html", ""];
    private static readonly string[] AudioTypes = ["audio/wav", "audio/mpeg", "audio/x-wav", "application/octet-stream", "image/png", ""];
    private static readonly string[] HostileNames =
        ["../../../../etc/passwd.png", "..\\..\\windows\\win.ini.png", "a\0b.png", "\u0001\u001b[31mred\u0007.png", "/abs/olute.png", "con.png",
         new string('a', 5000) + ".png", "\u202Egnp.exe", "photo.png\r\nX-Injected: 1", ".", "..", "", "%2e%2e%2fpasswd.png", "\uD800.png"];
    private static readonly string[] Numbers =
        ["NaN", "Infinity", "-Infinity", "1e308", "-1e308", "1e309", "4.9e-324", "-0", "99999999999999999999999", "0x10", "1,5", " 3 ", "", "null", "true", "½", "٣"];
    private static readonly string[] NumberFields =
        ["min_resolution", "expand_ratio", "inference_steps", "dynamic_scale", "motion_scale", "duration", "seed", "wait"];
    private static readonly string[] Configs =
    [
        "{", "}", "[]", "null", "\"text\"", "{\"min_resolution\": NaN}", "{\"dynamic_scale\": Infinity}", "{\"duration\": 1e308}",
        "{\"seed\": -1e400}", "{\"min_resolution\": \"512\"}", "{\"min_resolution\": 512, \"min_resolution\": 1024}", "{\"crop\": {\"a\": [1,2,3]}}",
        new string('[', 5000) + new string(']', 5000), "{\"a\":" + new string('{', 3000), "{\"\u0000\": 1}", "{\"seed\": 18446744073709551616}",
        "{\"inference_steps\": 1.5}", "\uFEFF{\"seed\": 3}", "{\"align_mouth\": \"maybe\"}", "{'single': 'quotes'}",
    ];

    public IEnumerable<FuzzCase> Generate(int count)
    {
        for (int i = 0; i < count; i++) yield return Next(i);
    }

    private FuzzCase Next(int index)
    {
        var r = _random;
        switch (index % 20)
        {
            case 0 or 1 or 2: // random bytes under media names and types
            {
                var image = Bytes(r.Next(0, 4096));
                var audio = Bytes(r.Next(0, 4096));
                return Job("random-bytes", $"{image.Length} and {audio.Length} random bytes", Upload("image", Pick(ImageNames), Pick(ImageTypes), image), Upload("audio", Pick(AudioNames), Pick(AudioTypes), audio));
            }
            case 3 or 4: // a real photo cut short
            {
                var source = Pick(new[] { _png, _jpeg, _webp });
                var cut = source[..r.Next(0, source.Length)];
                return Job("truncated-image", $"photo cut to {cut.Length} of {source.Length} bytes", Upload("image", "photo.png", "image/png", cut), Upload("audio", "voice.wav", "audio/wav", _wav));
            }
            case 5 or 6: // a real photo with flipped bits (most in the header, where the parsers look)
            {
                var source = Pick(new[] { _png, _jpeg, _webp });
                var flipped = Flip(source, r.Next(1, 40), headerBias: true);
                return Job("bit-flipped-image", "photo with flipped bits", Upload("image", "photo.jpg", "image/jpeg", flipped), Upload("audio", "voice.wav", "audio/wav", _wav));
            }
            case 7: // a real recording cut short or with flipped bits
            {
                var source = Pick(new[] { _wav, _mp3 });
                var bad = r.Next(2) == 0 ? source[..r.Next(0, source.Length)] : Flip(source, r.Next(1, 40), headerBias: true);
                return Job("broken-audio", $"recording of {bad.Length} bytes, cut or bit-flipped", Upload("image", "photo.png", "image/png", _png), Upload("audio", "voice.wav", "audio/wav", bad));
            }
            case 8: // decompression bombs: images lying about their size
            {
                var (what, bomb) = r.Next(4) switch
                {
                    0 => ("PNG declaring 50000x50000", PngDeclaring(50000, 50000)),
                    1 => ("PNG declaring 1x2147483647", PngDeclaring(1, int.MaxValue)),
                    2 => ("JPEG declaring 65000x65000", JpegDeclaring(65000, 65000)),
                    _ => ("WebP declaring 16384x16384", WebpDeclaring(16384, 16384)),
                };
                return Job("image-bomb", what, Upload("image", "bomb.png", "image/png", bomb), Upload("audio", "voice.wav", "audio/wav", _wav));
            }
            case 9: // audio declaring hours
            {
                var (what, wav) = r.Next(3) switch
                {
                    0 => ("WAV declaring 6 hours", WavDeclaring(16000, 6 * 3600)),
                    1 => ("WAV declaring 4 GB of data", WavDeclaring(8000, 0, dataBytes: uint.MaxValue)),
                    _ => ("WAV with a 1 Hz sample rate", WavDeclaring(1, 100000)),
                };
                return Job("audio-bomb", what, Upload("image", "photo.png", "image/png", _png), Upload("audio", "long.wav", "audio/wav", wav));
            }
            case 10: // polyglots
            {
                var (what, image, audio) = r.Next(4) switch
                {
                    0 => ("PNG with a zip appended", Concat(_png, _zipBomb[..Math.Min(_zipBomb.Length, 4096)]), _wav),
                    1 => ("PNG with HTML and script appended", Concat(_png, Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>")), _wav),
                    2 => ("WAV as the photo and PNG as the audio", _wav, _png),
                    _ => ("GIF/JS polyglot as the photo", Encoding.ASCII.GetBytes("GIF89a/*\x01\x00\x01\x00*/=alert(1);//"), _wav),
                };
                return Job("polyglot", what, Upload("image", "photo.png", "image/png", image), Upload("audio", "voice.wav", "audio/wav", audio));
            }
            case 11: // hostile file names on real files
            {
                var name = Pick(HostileNames);
                return Job("hostile-name", $"file name {Escape(name)}", Upload("image", name, "image/png", _png), Upload("audio", Pick(HostileNames).Replace(".png", ".wav"), "audio/wav", _wav), ("name", name));
            }
            case 12: // numbers that are not numbers
            {
                var field = Pick(NumberFields);
                var value = Pick(Numbers);
                return r.Next(3) == 0
                    ? Estimate($"estimate with {field} = {value}", $"{{\"audio_seconds\": {JsonNumber(value)}, \"min_resolution\": {JsonNumber(Pick(Numbers))}}}")
                    : Job("hostile-number", $"{field} = {Escape(value)}", Upload("image", "photo.png", "image/png", _png), Upload("audio", "voice.wav", "audio/wav", _wav), (field, value));
            }
            case 13: // malformed JSON configs
            {
                var config = Pick(Configs);
                return Job("hostile-config", $"config {Escape(config[..Math.Min(40, config.Length)])}", Upload("image", "photo.png", "image/png", _png), Upload("audio", "voice.wav", "audio/wav", _wav), ("config", config));
            }
            case 14: // a zip bomb, or a broken archive, in a batch
            {
                var archive = r.Next(3) switch { 0 => _zipBomb, 1 => Flip(_zipBomb, 20, headerBias: false), _ => _zipBomb[..r.Next(0, _zipBomb.Length)] };
                return Batch("batch-archive", $"batch with a {archive.Length} B archive (zip bomb, cut or bit-flipped)", archive);
            }
            case 15: // many form fields, or one huge one
                return r.Next(2) == 0
                    ? Many("many-fields", "10,000 form fields", 10_000)
                    : Job("huge-field", "a 200 kB name field", Upload("image", "photo.png", "image/png", _png), Upload("audio", "voice.wav", "audio/wav", _wav), ("name", new string('x', 200_000)));
            case 16: // malformed multipart and content types
            {
                var (what, content) = r.Next(4) switch
                {
                    0 => ("multipart without a boundary", Raw(Bytes(200), "multipart/form-data")),
                    1 => ("JSON body on the upload", Raw(Encoding.UTF8.GetBytes("{\"image\": 1}"), "application/json")),
                    2 => ("multipart with random bytes", Raw(Concat(Encoding.ASCII.GetBytes("--b\r\n"), Bytes(r.Next(1, 3000))), "multipart/form-data; boundary=b")),
                    _ => ("multipart never closed", Raw(Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n" + new string('A', 500)), "multipart/form-data; boundary=b")),
                };
                var path = r.Next(2) == 0 ? "/api/jobs" : "/api/sonic/generate";
                return new FuzzCase("bad-multipart", what, (http, ct) => http.PostAsync(path, content, ct));
            }
            case 17: // the compatibility endpoint with fuzzed inputs
            {
                var wait = Uri.EscapeDataString(Pick(Numbers));
                var (image, audio) = (Bytes(300), Bytes(300)); // drawn here: the cases are sent in parallel, the seed must decide everything
                return new FuzzCase("sonic-generate", $"compat endpoint with random bytes and wait={wait}", (http, ct) =>
                    http.PostAsync($"/api/sonic/generate?wait={wait}", Form(Upload("image", "a.png", "image/png", image), Upload("audio", "a.wav", "audio/wav", audio)), ct));
            }
            case 18: // presets with hostile JSON (admin only; the fuzz caller is an admin)
            {
                var body = r.Next(2) == 0 ? Pick(Configs) : $"{{\"name\": \"p{index}\", \"parameters\": {{\"dynamic_scale\": {JsonNumber(Pick(Numbers))}}}}}";
                return new FuzzCase("preset-json", $"preset body {Escape(body[..Math.Min(40, body.Length)])}", (http, ct) => http.PostAsync("/api/presets", Raw(Encoding.UTF8.GetBytes(body), "application/json"), ct));
            }
            default: // a real photo and recording with random parameters: a valid job or a clear 400
            {
                var fields = new List<(string, string)>();
                for (int k = r.Next(1, 4); k > 0; k--) fields.Add((Pick(NumberFields), r.Next(3) == 0 ? Pick(Numbers) : (r.NextDouble() * 3000 - 500).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)));
                return Job("random-parameters", string.Join(", ", fields.Select(f => $"{f.Item1}={f.Item2}")), Upload("image", "photo.jpg", "image/jpeg", _jpeg), Upload("audio", "voice.mp3", "audio/mpeg", _mp3), [.. fields]);
            }
        }
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private byte[] Bytes(int n)
    {
        var b = new byte[n];
        _random.NextBytes(b);
        return b;
    }

    private byte[] Flip(byte[] source, int bits, bool headerBias)
    {
        var copy = (byte[])source.Clone();
        if (copy.Length == 0) return copy;
        for (int i = 0; i < bits; i++)
        {
            int at = headerBias && _random.Next(2) == 0 ? _random.Next(Math.Min(64, copy.Length)) : _random.Next(copy.Length);
            copy[at] ^= (byte)(1 << _random.Next(8));
        }
        return copy;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static string Escape(string s) => string.Concat(s.Take(60).Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));

    private static string JsonNumber(string value) => double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _) && !value.Contains("Infinity") && !value.Contains("NaN") ? value.Trim() : value switch
    {
        "NaN" or "Infinity" or "-Infinity" => value, // not JSON: the parser must refuse it
        _ => "\"" + value.Replace("\"", "") + "\"",
    };

    private sealed record Part(string Field, string FileName, string ContentType, byte[] Bytes);

    private static Part Upload(string field, string name, string type, byte[] bytes) => new(field, name, type, bytes);

    /// <summary>A multipart body built by hand, so file names go out byte for byte as given (HttpClient would encode them).</summary>
    private static ByteArrayContent Form(Part? image, Part? audio, params (string Name, string Value)[] fields)
    {
        const string boundary = "fuzz-boundary-7d1f";
        var body = new MemoryStream();
        void Write(string s) => body.Write(Encoding.UTF8.GetBytes(s));
        foreach (var part in new[] { image, audio })
        {
            if (part is null) continue;
            Write($"--{boundary}\r\nContent-Disposition: form-data; name=\"{part.Field}\"; filename=\"{part.FileName.Replace("\"", "")}\"\r\n");
            if (part.ContentType.Length > 0) Write($"Content-Type: {part.ContentType}\r\n");
            Write("\r\n");
            body.Write(part.Bytes);
            Write("\r\n");
        }
        foreach (var (name, value) in fields) Write($"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
        Write($"--{boundary}--\r\n");
        return Raw(body.ToArray(), $"multipart/form-data; boundary={boundary}");
    }

    private static ByteArrayContent Raw(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static FuzzCase Job(string kind, string what, Part image, Part audio, params (string, string)[] fields) =>
        new(kind, what, (http, ct) => http.PostAsync("/api/jobs", Form(image, audio, fields), ct));

    private static FuzzCase Estimate(string what, string json) =>
        new("estimate-json", what, (http, ct) => http.PostAsync("/api/estimate", Raw(Encoding.UTF8.GetBytes(json), "application/json"), ct));

    private FuzzCase Batch(string kind, string what, byte[] archive)
    {
        var image = _png;
        return new(kind, what, (http, ct) =>
        {
            const string boundary = "fuzz-batch-3a9c";
            var body = new MemoryStream();
            void Write(string s) => body.Write(Encoding.UTF8.GetBytes(s));
            Write($"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\n");
            body.Write(image);
            Write($"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"archive\"; filename=\"clips.zip\"\r\nContent-Type: application/zip\r\n\r\n");
            body.Write(archive);
            Write($"\r\n--{boundary}--\r\n");
            return http.PostAsync("/api/batches", Raw(body.ToArray(), $"multipart/form-data; boundary={boundary}"), ct);
        });
    }

    private static FuzzCase Many(string kind, string what, int fields) => new(kind, what, (http, ct) =>
    {
        var sb = new StringBuilder();
        for (int i = 0; i < fields; i++) sb.Append($"--b\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\n{i}\r\n");
        sb.Append("--b--\r\n");
        return http.PostAsync("/api/jobs", Raw(Encoding.UTF8.GetBytes(sb.ToString()), "multipart/form-data; boundary=b"), ct);
    });

    /// <summary>A valid PNG signature and IHDR (with its CRC) declaring the size, then a tiny IDAT: a few dozen bytes.</summary>
    public static byte[] PngDeclaring(int width, int height)
    {
        var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
        Chunk(ms, "IHDR", ihdr);
        var deflated = new MemoryStream();
        using (var z = new ZLibStream(deflated, CompressionLevel.SmallestSize, leaveOpen: true)) z.Write(new byte[64 * 1024]);
        Chunk(ms, "IDAT", deflated.ToArray());
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        s.Write(crc);
    }

    /// <summary>PNG's chunk checksum (CRC-32, polynomial 0xEDB88320), so the bomb's header is a valid one.</summary>
    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>The real JPEG with its frame header (SOF) rewritten to the declared size.</summary>
    private byte[] JpegDeclaring(int width, int height)
    {
        var copy = (byte[])_jpeg.Clone();
        for (int i = 2; i + 9 < copy.Length; i++)
            if (copy[i] == 0xFF && copy[i + 1] is 0xC0 or 0xC1 or 0xC2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 5), (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 7), (ushort)width);
                break;
            }
        return copy;
    }

    /// <summary>A WebP extended header (VP8X) declaring the canvas size, followed by the real image's data.</summary>
    private byte[] WebpDeclaring(int width, int height)
    {
        var vp8x = new byte[18];
        Encoding.ASCII.GetBytes("VP8X").CopyTo(vp8x, 0);
        BinaryPrimitives.WriteInt32LittleEndian(vp8x.AsSpan(4), 10);
        int w = width - 1, h = height - 1;
        vp8x[12] = (byte)w; vp8x[13] = (byte)(w >> 8); vp8x[14] = (byte)(w >> 16);
        vp8x[15] = (byte)h; vp8x[16] = (byte)(h >> 8); vp8x[17] = (byte)(h >> 16);
        var rest = _webp.Length > 12 ? _webp[12..] : Array.Empty<byte>();
        var body = Concat(Encoding.ASCII.GetBytes("WEBP"), vp8x, rest);
        var riff = new byte[8];
        Encoding.ASCII.GetBytes("RIFF").CopyTo(riff, 0);
        BinaryPrimitives.WriteInt32LittleEndian(riff.AsSpan(4), body.Length);
        return Concat(riff, body);
    }

    /// <summary>A WAV header declaring <paramref name="seconds"/> of 16-bit mono (or the given data size) over one second of silence.</summary>
    private static byte[] WavDeclaring(int sampleRate, int seconds, uint? dataBytes = null)
    {
        uint declared = dataBytes ?? (uint)Math.Min(uint.MaxValue - 100, (long)sampleRate * 2 * seconds);
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write("RIFF"u8); w.Write(declared + 36); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(sampleRate); w.Write(sampleRate * 2); w.Write((short)2); w.Write((short)16);
        w.Write("data"u8); w.Write(declared);
        w.Write(new byte[Math.Max(2, Math.Min(32000, sampleRate * 2))]);
        return ms.ToArray();
    }

    /// <summary>A zip whose one entry inflates to 200 MB of zeros (about 200 kB packed) and many tiny entries.</summary>
    private static byte[] ZipBomb()
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var entry = zip.CreateEntry("voice.wav", CompressionLevel.SmallestSize).Open())
            {
                var header = WavDeclaring(16000, 0, dataBytes: 200_000_000);
                entry.Write(header);
                var zeros = new byte[1 << 20];
                for (int i = 0; i < 200; i++) entry.Write(zeros);
            }
            for (int i = 0; i < 50; i++) using (var e = zip.CreateEntry($"../../evil{i}.wav").Open()) e.Write("RIFF"u8);
        }
        return ms.ToArray();
    }
}
