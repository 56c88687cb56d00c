using System.Diagnostics;
using SonicWeb.Engine.Media;

namespace SonicWeb.Tests.Engine.Media;

/// <summary>The owner of a host's ffmpeg processes: whatever still runs when the host stops is killed.</summary>
public class FfmpegProcessTableTests
{
    private static FfmpegArguments EndlessToNull() => new FfmpegArguments().Flag("-hide_banner").Flag("-nostdin").Option("-v", "error")
        .Option("-f", "lavfi").Option("-i", "testsrc=s=64x48:r=25").Option("-f", "null").OutputStdout();

    [Fact]
    public async Task Disposing_the_table_kills_its_running_processes_and_only_those()
    {
        var table = new FfmpegProcessTable();
        var owned = FfmpegProcess.Start("ffmpeg", EndlessToNull(), table: table);
        await using var other = FfmpegProcess.Start("ffmpeg", EndlessToNull());
        var ownedOs = Process.GetProcessById(owned.Id);
        var otherOs = Process.GetProcessById(other.Id);
        Assert.Equal(1, table.Count);

        await table.DisposeAsync();

        Assert.True(ownedOs.WaitForExit(5000), "the table's process was still running");
        Assert.False(otherOs.HasExited, "a process of another owner was killed");
        Assert.Equal(0, table.Count);
        await owned.DisposeAsync();
    }
}
