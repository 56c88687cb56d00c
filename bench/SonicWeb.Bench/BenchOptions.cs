using SonicWeb.Engine.Media;
using System.Globalization;

namespace SonicWeb.Bench;

/// <summary>Command-line options of the benchmark and of its child cases (the --case ones are internal).</summary>
public sealed record BenchOptions
{
    public const string HelpText = """
        SonicWeb benchmark: prints figures for the performance targets (no pass/fail).
          dotnet run -c Release --project bench/SonicWeb.Bench [-- options]
        Options:
          --seconds N          clip length for the per-resolution cases (default 20)
          --memory-seconds N   clip length of the 1024 memory case (default 60)
          --quick              skip the memory case
          --resolutions A,B    output resolutions (default 512,1024)
          --json               print only the JSON summary line
          --keep               keep the temporary folder (inputs, videos) and print its path
          --compare-input N    old and new encoder input back to back, N interleaved repetitions per resolution
                               (rgb24 = ffmpeg converts, yuv420p = rendered into I420); prints medians and ratios
          --startup            only the fixed start of a job: each step timed alone, cold (fresh process) and warm
                               (second job in the same process), per resolution
          --sampler            only the rest-of-frame sampler: ns per pixel, current AVX2 vs the previous AVX2 vs scalar
        """;

    public double Seconds { get; init; } = 20;
    public double MemorySeconds { get; init; } = 60;
    public bool Quick { get; init; }
    public bool JsonOnly { get; init; }
    public bool Keep { get; init; }
    public bool ShowHelp { get; init; }
    public IReadOnlyList<int> Resolutions { get; init; } = [512, 1024];
    public int CompareRepetitions { get; init; }
    public bool Startup { get; init; }
    public bool Sampler { get; init; }
    /// <summary>Pipeline case: run the job a second time in the same process (the warm figure).</summary>
    public bool Warm { get; init; }

    /// <summary>The frames' format between renderer and encoder (child cases); null: EngineOptions' default.</summary>
    public RawFrameFormat? Input { get; init; }

    // Child-case options (set by the parent, see ChildLauncher).
    public string? Case { get; init; }
    public int Resolution { get; init; }
    public string? Image { get; init; }
    public string? Audio { get; init; }
    public string? Output { get; init; }
    public string? Raw { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public int Frames { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            double Number() => double.Parse(Next(), CultureInfo.InvariantCulture);
            int Integer() => int.Parse(Next(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--seconds" => o with { Seconds = Number() },
                "--memory-seconds" => o with { MemorySeconds = Number() },
                "--quick" => o with { Quick = true },
                "--json" => o with { JsonOnly = true },
                "--keep" => o with { Keep = true },
                "--compare-input" => o with { CompareRepetitions = Integer() },
                "--startup" => o with { Startup = true },
                "--sampler" => o with { Sampler = true },
                "--input" => o with { Input = Enum.Parse<RawFrameFormat>(Next(), ignoreCase: true) },
                "--resolutions" => o with { Resolutions = Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() },
                "-h" or "--help" => o with { ShowHelp = true },
                "--case" => o with { Case = Next() },
                "--res" => o with { Resolution = Integer() },
                "--image" => o with { Image = Next() },
                "--audio" => o with { Audio = Next() },
                "--out" => o with { Output = Next() },
                "--raw" => o with { Raw = Next() },
                "--width" => o with { Width = Integer() },
                "--height" => o with { Height = Integer() },
                "--frames" => o with { Frames = Integer() },
                "--warm" => o with { Warm = true },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'.\n{HelpText}"),
            };
        }
        return o;
    }
}
