using System.Runtime.InteropServices;
using SonicWeb.Engine.Quality;
using SonicWeb.Tests.TestSupport;

namespace SonicWeb.Tests.Engine.Quality;

/// <summary>
/// The report's espeak speech is the same from run to run (docs/quality.md, round 33): espeak-ng takes its voices' noise
/// from the C library's process-wide rand(), and whatever else had drawn from it changed the samples, and with them the
/// bilabial figure by a point or two between two runs of the same report.
/// </summary>
public unsafe class EspeakPhonemesTests
{
    private const string Text = "<speak>Please pack my box with five dozen big jugs, then stop. Shh, fish.</speak>";

    [Fact]
    public void The_same_text_gives_the_same_samples_whatever_drew_random_numbers_before()
    {
        string first = Path.Combine(TestMedia.WorkDir, "espeak-repeat-1.wav"), second = Path.Combine(TestMedia.WorkDir, "espeak-repeat-2.wav");
        var firstPhonemes = EspeakPhonemes.Synthesise(Text, "en+f3", first);
        // Other code in the process draws from the C library's generator (as native libraries do).
        var rand = (delegate* unmanaged<int>)NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "rand");
        long drawn = 0;
        for (int i = 0; i < 1013; i++) drawn += rand();
        var secondPhonemes = EspeakPhonemes.Synthesise(Text, "en+f3", second);

        byte[] a = File.ReadAllBytes(first), b = File.ReadAllBytes(second);
        Assert.True(a.Length > 44 + 22050, $"espeak-ng wrote only {a.Length} bytes");
        int differing = Enumerable.Range(0, Math.Min(a.Length, b.Length)).Count(i => a[i] != b[i]);
        Assert.True(a.Length == b.Length && differing == 0,
            $"the same text came out different after {drawn} was drawn from rand(): {differing} of {a.Length} bytes differ ({b.Length} bytes the second time)");
        Assert.Equal(firstPhonemes, secondPhonemes);
    }
}
