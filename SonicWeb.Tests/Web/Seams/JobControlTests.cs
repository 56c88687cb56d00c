using SonicWeb.Jobs.Transport;

namespace SonicWeb.Tests.Web.Seams;

/// <summary>The in-process job control: a stop reaches the work registered for the job, and only while it is registered.</summary>
public sealed class JobControlTests
{
    [Fact]
    public async Task A_stop_reaches_the_registered_work_and_nothing_after_it_ended()
    {
        var control = new InProcessJobControl();
        using var work = new CancellationTokenSource();
        var registration = control.Register("job", work.Cancel);

        Assert.False(await control.StopAsync("other job", CancellationToken.None));
        Assert.True(await control.StopAsync("job", CancellationToken.None));
        Assert.True(work.IsCancellationRequested);

        registration.Dispose();
        Assert.False(await control.StopAsync("job", CancellationToken.None));
    }

    [Fact]
    public async Task A_fresh_registration_replaces_an_old_one_and_the_old_ones_end_does_not_remove_it()
    {
        var control = new InProcessJobControl();
        int oldStops = 0, newStops = 0;
        var old = control.Register("job", () => oldStops++);
        using var fresh = control.Register("job", () => newStops++); // a retry's check while the cancelled one winds down
        old.Dispose();

        Assert.True(await control.StopAsync("job", CancellationToken.None));
        Assert.Equal((0, 1), (oldStops, newStops));
    }
}
