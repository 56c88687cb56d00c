using System.Diagnostics;
using System.Globalization;
using System.Text;
using SonicWeb.Engine.Audio;
using SonicWeb.Engine.Media;

namespace SonicWeb.Quality;

/// <summary>
/// Records every phoneme of <see cref="VisemeRecordings"/> with every voice through espeak-ng, derives
/// the profiles and prints them as the C# initialiser of <see cref="VisemeProfileTable"/>.
/// </summary>
internal static class VisemeDerivation
{
    public static async Task<VisemeProfiles> DeriveAsync(string workDir)
    {
        var recordings = new List<(VisemeClass, AudioClip)>();
        foreach (var voice in VisemeRecordings.Voices)
            foreach (var (c, phonemes) in VisemeRecordings.Phonemes)
            {
                string path = Path.Combine(workDir, $"pho-{voice.Replace('+', '_')}-{Math.Abs(phonemes.GetHashCode()):x}.wav");
                var psi = new ProcessStartInfo("espeak-ng") { RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in new[] { "-v", voice, "-w", path, phonemes }) psi.ArgumentList.Add(a);
                using (var p = Process.Start(psi)!) { await p.StandardError.ReadToEndAsync(); await p.WaitForExitAsync(); }
                recordings.Add((c, await AudioLoader.LoadAsync(path, new MediaLimits { MinAudioSeconds = 0.05 }, CancellationToken.None)));
            }
        return VisemeProfileBuilder.Build(recordings);
    }

    public static string AsCSharp(VisemeProfiles profiles)
    {
        static string Row(float[] v) => "[" + string.Join(", ", v.Select(x => x.ToString("0.000", CultureInfo.InvariantCulture) + "f")) + "]";
        var sb = new StringBuilder();
        foreach (var (c, mean) in profiles.Means.OrderBy(kv => kv.Key))
            sb.AppendLine($"        [VisemeClass.{c}] = {Row(mean)},");
        sb.AppendLine($"    }}, {Row(profiles.BandSpread)});");
        return sb.ToString();
    }
}
