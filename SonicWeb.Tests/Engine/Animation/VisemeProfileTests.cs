using SonicWeb.Engine.Audio;
using SonicWeb.Engine.Media;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Animation;

public class VisemeProfileTests
{
    [Fact]
    public async Task Shipped_profile_table_matches_a_fresh_derivation_from_espeak_ng()
    {
        var recordings = new List<(VisemeClass, AudioClip)>();
        foreach (var voice in VisemeRecordings.Voices)
            foreach (var (c, phonemes) in VisemeRecordings.Phonemes)
            {
                var path = Path.Combine(TestMedia.WorkDir, $"profile-{voice.Replace('+', '_')}-{recordings.Count}.wav");
                TestMedia.Run("espeak-ng", "-v", voice, "-w", path, phonemes);
                recordings.Add((c, await AudioLoader.LoadAsync(path, new MediaLimits { MinAudioSeconds = 0.05 }, CancellationToken.None)));
            }
        var fresh = VisemeProfileBuilder.Build(recordings);
        foreach (var (c, mean) in VisemeProfileTable.Default.Means)
            for (int b = 0; b < mean.Length; b++)
                Assert.True(Math.Abs(mean[b] - fresh.Means[c][b]) < 0.05f, $"{c} band {b}: shipped {mean[b]:0.000}, derived {fresh.Means[c][b]:0.000}");
    }
}
