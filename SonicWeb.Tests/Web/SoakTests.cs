using SonicWeb.LoadBench;
using SonicWeb.LoadBench.Soak;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Web;

/// <summary>
/// The mixed-workload soak of the load bench (`--only soak`, 30 minutes), run for under a minute against the real app
/// process (real engine, real ffmpeg, SQLite): uploads with polling and downloads, history and job pages, API-key
/// programs, video downloads and live-progress watchers at once. Asserts what must hold at any length, not timings:
/// no 5xx or broken connection, every accepted job finished with a video, and the process's open files and threads
/// back near where they started once the load is gone.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class SoakTests
{
    /// <summary>Open files and threads the idle app may hold beyond its count before the load (pools warmed, ONNX sessions, the log file).</summary>
    private const int FileAllowance = 40, ThreadAllowance = 40;

    [Fact]
    public async Task A_short_mixed_soak_has_no_server_errors_finishes_every_job_and_gives_back_its_files_and_threads()
    {
        var work = Directory.CreateTempSubdirectory("sonicweb-soak-").FullName;
        try
        {
            var audio = File.ReadAllBytes(BenchMedia.Wav(Path.Combine(work, "voice.wav"), 1.5, 16000, 1));
            var image = File.ReadAllBytes(TestMedia.AstronautPng);
            await using var app = await AppUnderTest.StartAsync(AppDll(), Path.Combine(work, "data"), new Dictionary<string, string>
            {
                ["RateLimits__ApiPerUser"] = "1000000", ["RateLimits__ApiPerIp"] = "1000000",
                ["RateLimits__SubmitPerUser"] = "100000", ["RateLimits__SubmitPerIp"] = "100000",
            });
            var target = await SoakTarget.PrepareAsync(app);
            var report = new StringWriter();
            var result = await new SoakRun(target, new SoakOptions
            {
                Duration = TimeSpan.FromSeconds(50), SampleInterval = TimeSpan.FromSeconds(10),
                Uploaders = 2, Browsers = 2, ApiClients = 2, Downloaders = 1, Watchers = 1,
            }, image, audio, report).RunAsync();
            var text = report.ToString();
            Directory.CreateDirectory(TestMedia.ArtifactsDir);
            File.WriteAllText(Path.Combine(TestMedia.ArtifactsDir, "soak-short.txt"), text);

            Assert.True(result.ServerErrors == 0 && result.TransportErrors == 0, text);
            Assert.True(result.JobsAccepted >= 2, text);
            Assert.True(result.JobsNotFinished.Count == 0, text);
            Assert.True(result.JobsSucceeded == result.JobsAccepted, text);
            Assert.True(result.Requests > 100, text);
            Assert.True(result.End.OpenFiles <= result.Start.OpenFiles + FileAllowance, text);
            Assert.True(result.End.Threads <= result.Start.Threads + ThreadAllowance, text);
        }
        finally { Directory.Delete(work, recursive: true); }
    }

    /// <summary>artifacts/bin/SonicWeb/&lt;config&gt;/SonicWeb.dll, built with the tests (same configuration folder).</summary>
    private static string AppDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(testBin.Parent!.Parent!.FullName, "SonicWeb", testBin.Name, "SonicWeb.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("the app is built beside the tests", dll);
    }
}
