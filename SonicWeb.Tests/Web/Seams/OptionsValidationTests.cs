using Microsoft.Extensions.Options;

namespace SonicWeb.Tests.Web.Seams;

/// <summary>Every settings section is checked when the app starts: a setting that cannot work stops it, naming the key and the value.</summary>
[Collection(WebCollection.Name)]
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Engine:EncoderCrf", "99", "Engine:EncoderCrf is 99")]
    [InlineData("Engine:Limits:MaxAudioSeconds", "0.1", "Engine:Limits:MaxAudioSeconds is 0.1")]
    [InlineData("Jobs:PollSeconds", "0", "Jobs:PollSeconds is 0")]
    [InlineData("Accounts:SessionHours", "-1", "Accounts:SessionHours is -1")]
    [InlineData("Node:HeartbeatSeconds", "0", "Node:HeartbeatSeconds is 0")]
    [InlineData("LivePages:ProgressIntervalMilliseconds", "-5", "LivePages:ProgressIntervalMilliseconds is -5")]
    [InlineData("Node:DrainSeconds", "-5", "Node:DrainSeconds is -5")]
    [InlineData("Backends:Default", "", "Backends:Default must name a backend")]
    public void A_setting_that_cannot_work_stops_the_start_with_a_message_naming_it(string key, string value, string expected)
    {
        var e = Assert.ThrowsAny<Exception>(() => new WebTestHost(settings: new() { [key] = value }));
        var message = e is OptionsValidationException ? e.Message : e.InnerException?.Message ?? e.Message;
        Assert.Contains(expected, message);
    }
}
