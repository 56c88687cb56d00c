using System.Diagnostics;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web.Programs;

/// <summary>
/// The ComfyUI package's own tests (clients/comfyui-sonicweb/tests, python3 unittest, standard library
/// only) against this app on a real port, with a real API key: the nodes' HTTP client, not ComfyUI.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class ComfyNodeClientTests
{
    [Fact]
    public async Task The_comfyui_nodes_client_passes_its_tests_against_the_app()
    {
        using var host = new WebTestHost();
        var (_, key, _) = await ProgramKit.ApiKeyClientAsync(host);
        var package = Path.Combine(TestMedia.RepoRoot, "clients", "comfyui-sonicweb");
        var start = new ProcessStartInfo("python3", ["-m", "unittest", "discover", "-s", "tests", "-v"])
        {
            WorkingDirectory = package, RedirectStandardOutput = true, RedirectStandardError = true,
            Environment =
            {
                ["SONICWEB_URL"] = host.BaseAddress.ToString(), ["SONICWEB_API_KEY"] = key,
                ["SONICWEB_TEST_IMAGE"] = TestMedia.AstronautPng, ["SONICWEB_TEST_AUDIO"] = ShortSpeech,
                ["PYTHONDONTWRITEBYTECODE"] = "1",
            },
        };
        using var python = Process.Start(start)!;
        var stdout = python.StandardOutput.ReadToEndAsync();
        var stderr = python.StandardError.ReadToEndAsync(); // unittest reports here
        await python.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        var report = await stdout + await stderr;
        Assert.True(python.ExitCode == 0, report);
        Assert.Matches(@"Ran [6-9] tests", report);
        Assert.DoesNotContain("skipped", report); // the live tests ran against this app
        Assert.EndsWith("OK", report.TrimEnd());
    }
}
