using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace SonicWeb.Bench;

/// <summary>
/// Runs one case in a fresh child process of this program, so every case has its own peak memory and
/// starts cold (as a new job on a freshly started service would, apart from model loading, which is
/// timed separately). The child's stderr passes through; its result is the marked line on stdout.
/// </summary>
public static class ChildLauncher
{
    public static async Task<CaseResult> RunAsync(params string[] caseArgs)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The program's path is unknown.");
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        // Started as "dotnet SonicWeb.Bench.dll": the child needs the dll path too.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var a in caseArgs) info.ArgumentList.Add(a);

        double busyBefore = MachineLoad.BusySeconds();
        double childrenBefore = ResourceUsage.OfFinishedChildren().CpuSeconds;
        var wall = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the case process.");
        CaseResult? result = null;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(CaseRunner.ResultMarker, StringComparison.Ordinal))
                result = JsonSerializer.Deserialize<CaseResult>(line[CaseRunner.ResultMarker.Length..], CaseRunner.Json);
            else
                Console.Error.WriteLine(line);
        }
        await process.WaitForExitAsync();
        double busy = MachineLoad.BusySeconds() - busyBefore;
        double seconds = wall.Elapsed.TotalSeconds;
        if (process.ExitCode != 0 || result is null)
            throw new InvalidOperationException($"Case '{string.Join(' ', caseArgs)}' failed (exit code {process.ExitCode}); see the messages above.");

        // The machine's busy time minus the case's process tree (once reaped, the child's CPU time and that
        // of the ffmpeg processes it waited for count as this process's children). This parent only waits.
        double ours = ResourceUsage.OfFinishedChildren().CpuSeconds - childrenBefore;
        return result with { OtherLoad = Math.Clamp((busy - ours) / (Environment.ProcessorCount * seconds), 0, 1) };
    }
}
