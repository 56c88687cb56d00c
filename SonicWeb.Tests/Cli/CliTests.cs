using System.Diagnostics;
using System.Text.Json;
using SonicWeb.Cli;
using SonicWeb.Engine.Models;
using SonicWeb.Engine.Backends;
using SonicWeb.Engine.Backends.BuiltIn;
using SonicWeb.Engine.Pipeline;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Cli;

/// <summary>The generate and inspect verbs: JSON contract, exit codes, error codes.</summary>
[Collection(EngineCollection.Name)]
public class CliTests(EngineFixture engine)
{
    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
        => await RunWithAsync(() => engine.Backend, args);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunWithAsync(Func<IGenerationBackend> factory, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, factory, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string Voice => TestMedia.Speech("Our new collection is here.", "cli-voice");

    [Fact]
    public async Task Generate_json_reports_the_video_it_wrote()
    {
        var output = Path.Combine(TestMedia.WorkDir, "cli-generate.mp4");
        var (code, stdout, _) = await RunAsync("generate", "--image", TestMedia.AstronautPng, "--audio", Voice, "--output", output,
            "--min-resolution", "256", "--seed", "5", "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(output, root.GetProperty("output").GetString());
        Assert.Equal(25, root.GetProperty("fps").GetInt32());
        Assert.Equal(256, root.GetProperty("width").GetInt32());
        Assert.Equal(256, root.GetProperty("height").GetInt32());
        Assert.Equal(5, root.GetProperty("seed").GetInt32());
        Assert.True(root.GetProperty("elapsedSeconds").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("warnings").ValueKind);
        var facts = VideoFacts.Probe(output);
        Assert.Equal(facts.FrameCount, root.GetProperty("frames").GetInt32());
        Assert.Equal(TestMedia.ProbeDuration(Voice), root.GetProperty("durationSeconds").GetDouble(), 0.04);
    }

    [Fact]
    public async Task Inspect_json_reports_face_audio_size_and_estimate()
    {
        var (code, stdout, _) = await RunAsync("inspect", "--image", TestMedia.AstronautPng, "--audio", Voice, "--min-resolution", "512", "--json");
        Assert.Equal(0, code);
        var root = JsonDocument.Parse(stdout).RootElement;
        var box = root.GetProperty("face").GetProperty("box");
        Assert.InRange(box.GetProperty("x").GetDouble() + box.GetProperty("width").GetDouble() / 2, 180, 270);
        Assert.Equal(68, root.GetProperty("face").GetProperty("landmarks").GetInt32());
        Assert.Equal(1, root.GetProperty("face").GetProperty("facesFound").GetInt32());
        Assert.Equal(TestMedia.ProbeDuration(Voice), root.GetProperty("audioSeconds").GetDouble(), 0.01);
        Assert.Equal(512, root.GetProperty("output").GetProperty("width").GetInt32());
        Assert.True(root.GetProperty("estimatedSeconds").GetDouble() > 0);
    }

    [Theory]
    [InlineData("--dynamic-scale", "9", "dynamic_scale is 9")]
    [InlineData("--min-resolution", "abc", "abc")]
    [InlineData("--crop", "sideways", "sideways")]
    public async Task Bad_parameters_print_invalid_parameter_and_exit_2(string option, string value, string expected)
    {
        var (code, stdout, _) = await RunAsync("generate", "--image", TestMedia.AstronautPng, "--audio", Voice,
            "--output", Path.Combine(TestMedia.WorkDir, "never.mp4"), option, value, "--json");
        Assert.Equal(2, code);
        var error = JsonDocument.Parse(stdout).RootElement.GetProperty("error");
        Assert.Equal("invalid_parameter", error.GetProperty("code").GetString());
        Assert.Contains(expected, error.GetProperty("message").GetString());
        Assert.False(File.Exists(Path.Combine(TestMedia.WorkDir, "never.mp4")));
    }

    [Fact]
    public async Task A_missing_required_option_is_invalid_parameter()
    {
        var (code, stdout, _) = await RunAsync("generate", "--audio", Voice, "--output", "x.mp4", "--json");
        Assert.Equal(2, code);
        Assert.Contains("--image", JsonDocument.Parse(stdout).RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Without_json_errors_go_to_stderr_with_their_code()
    {
        var (code, stdout, stderr) = await RunAsync("inspect", "--image", Voice, "--audio", Voice);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("error (unsupported_image):", stderr.Trim());
    }

    [Fact]
    public async Task Missing_models_are_an_internal_fault_with_exit_1_naming_the_fetch_command()
    {
        var empty = Directory.CreateTempSubdirectory("no-models").FullName;
        var (code, stdout, _) = await RunWithAsync(
            () => new BuiltInBackend(new EngineOptions(), AnalysisModels.Load(new ModelStore(empty), TestOnnx.Runtime, new())),
            "inspect", "--image", TestMedia.AstronautPng, "--audio", Voice, "--json");
        Assert.Equal(1, code);
        var error = JsonDocument.Parse(stdout).RootElement.GetProperty("error");
        Assert.Equal("model_missing", error.GetProperty("code").GetString());
        Assert.Contains("fetch-models.sh", error.GetProperty("message").GetString());
    }

    [Fact]
    public void The_real_executable_exits_2_with_a_json_no_face_error()
    {
        var noFace = Path.Combine(TestMedia.WorkDir, "cli-no-face.png");
        TestMedia.Run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=gray:size=400x300", "-frames:v", "1", noFace);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "SonicWeb.dll"), "generate", "--image", noFace, "--audio", Voice,
                     "--output", Path.Combine(TestMedia.WorkDir, "cli-no-face.mp4"), "--json" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(2, p.ExitCode);
        Assert.Equal("no_face", JsonDocument.Parse(stdout).RootElement.GetProperty("error").GetProperty("code").GetString());
    }
}
