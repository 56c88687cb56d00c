using System.Runtime.InteropServices;
using System.Text;

namespace SonicWeb.Engine.Quality;

/// <summary>One phoneme as espeak-ng spoke it: its mnemonic and where it sits in the audio (seconds).</summary>
public readonly record struct TimedPhoneme(string Name, double Start, double End)
{
    /// <summary>p, b, m: the lips close for these (espeak's English mnemonics; "m-" is a syllabic m).</summary>
    public bool IsBilabial => Name.TrimEnd('-', '#') is "p" or "b" or "m";

    /// <summary>t, d: stops made by the tongue tip, with the lips apart.</summary>
    public bool IsAlveolarStop => Name.TrimEnd('-', '#') is "t" or "d";

    /// <summary>Vowels and diphthongs of espeak's English phoneme set (mnemonics start with a vowel letter or '@', '3').</summary>
    public bool IsVowel => Name.Length > 0 && "aeiouAEIOUV@03".Contains(Name[0]);
}

/// <summary>
/// Speech with known phoneme timing: espeak-ng's library synthesises the text and reports a phoneme
/// event (mnemonic, audio position) for every phoneme while it hands over the samples, so the WAV we
/// write and the timing come from the same run (the CLI prints no timing for its own voices:
/// <c>--pho</c> works only with mbrola voices). Used by the report's bilabial-closure measure.
/// </summary>
public static unsafe class EspeakPhonemes
{
    private const string Library = "libespeak-ng.so.1";
    private const int AudioOutputSynchronous = 2, InitialisePhonemeEvents = 0x0001, InitialiseDontExit = 0x8000;
    private const int EventListTerminated = 0, EventPhoneme = 7, ParameterRate = 1, PositionCharacter = 1, CharsUtf8 = 1, Ssml = 0x10;

    [StructLayout(LayoutKind.Sequential)]
    private struct EspeakEvent
    {
        public int Type;
        public uint UniqueIdentifier;
        public int TextPosition, Length, AudioPositionMs, Sample;
        public nint UserData;
        public fixed byte Id[8];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct VoiceSpec
    {
        public nint Name, Languages, Identifier;
        public byte Gender, Age, Variant, Spare1;
        public int Score;
        public nint Spare2;
    }

    /// <summary>
    /// One fresh copy of the library for one text. espeak-ng keeps state in process globals from one text to the
    /// next (the same sentence after another one came out with a comma pause 55 ms longer), and it cannot be
    /// initialised twice in a process (a second <c>espeak_Initialize</c> after <c>espeak_Terminate</c> hangs). So
    /// each text loads the library from a private copy of its file: the loader gives a copy under another path
    /// its own globals, and unloading it at the end drops them.
    /// </summary>
    private sealed class FreshLibrary : IDisposable
    {
        private readonly nint _handle;
        public readonly delegate* unmanaged<int, int, nint, int, int> Initialize;
        public readonly delegate* unmanaged<delegate* unmanaged<short*, int, EspeakEvent*, int>, void> SetSynthCallback;
        public readonly delegate* unmanaged<byte*, int> SetVoiceByName;
        public readonly delegate* unmanaged<VoiceSpec*, int> SetVoiceByProperties;
        public readonly delegate* unmanaged<int, int, int, int> SetParameter;
        public readonly delegate* unmanaged<byte*, nuint, uint, int, uint, uint, uint*, nint, int> Synth;
        public readonly delegate* unmanaged<int> Synchronize;

        public FreshLibrary()
        {
            // Where the system's copy lives: load it once by its soname and ask the loader for the file.
            string original = InstalledPath();
            string copy = Path.Combine(Path.GetTempPath(), $"sonicweb-espeak-{Guid.NewGuid():N}.so");
            File.Copy(original, copy);
            try { _handle = NativeLibrary.Load(copy); }
            finally { File.Delete(copy); } // the mapping stays valid after the file is gone
            Initialize = (delegate* unmanaged<int, int, nint, int, int>)Export("espeak_Initialize");
            SetSynthCallback = (delegate* unmanaged<delegate* unmanaged<short*, int, EspeakEvent*, int>, void>)Export("espeak_SetSynthCallback");
            SetVoiceByName = (delegate* unmanaged<byte*, int>)Export("espeak_SetVoiceByName");
            SetVoiceByProperties = (delegate* unmanaged<VoiceSpec*, int>)Export("espeak_SetVoiceByProperties");
            SetParameter = (delegate* unmanaged<int, int, int, int>)Export("espeak_SetParameter");
            Synth = (delegate* unmanaged<byte*, nuint, uint, int, uint, uint, uint*, nint, int>)Export("espeak_Synth");
            Synchronize = (delegate* unmanaged<int>)Export("espeak_Synchronize");
        }

        private nint Export(string name) => NativeLibrary.GetExport(_handle, name);

        private static string InstalledPath()
        {
            if (!NativeLibrary.TryLoad(Library, out var system))
                throw new InvalidOperationException("espeak-ng's library could not be loaded (is libespeak-ng1 installed?)");
            try
            {
                // The loader's map of this process names the file behind the soname.
                return File.ReadLines("/proc/self/maps").Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    .Where(fields => fields.Length >= 6 && Path.GetFileName(fields[5]).StartsWith("libespeak-ng.so", StringComparison.Ordinal))
                    .Select(fields => fields[5]).FirstOrDefault()
                    ?? throw new InvalidOperationException("espeak-ng's library file was not found in /proc/self/maps.");
            }
            finally { NativeLibrary.Free(system); }
        }

        /// <summary>A voice file name ("en-us", "en+f3") or, failing that, a language ("en-gb"), as the CLI's -v accepts.</summary>
        public bool SelectVoice(string voice)
        {
            var name = Encoding.UTF8.GetBytes(voice + "\0");
            fixed (byte* n = name)
            {
                if (SetVoiceByName(n) == 0) return true;
                var spec = new VoiceSpec { Languages = (nint)n };
                return SetVoiceByProperties(&spec) == 0;
            }
        }

        public void Dispose() => NativeLibrary.Free(_handle);
    }

    /// <summary>
    /// The C library's <c>srand</c>. espeak-ng draws its voices' noise (breath, frication) from the C library's
    /// <c>rand()</c>, whose state is the process's, not the loaded copy's: whatever else in the process had drawn from it
    /// changed the samples from run to run (the same text and voice differed in half of the WAV's bytes between two runs
    /// of the quality report, and the bilabial figure with it by a point or two, docs/quality.md round 33). Seeding it as
    /// a fresh process has it (1) before each text gives the samples the espeak-ng CLI writes.
    /// </summary>
    private static readonly delegate* unmanaged<uint, void> SeedCRandom =
        (delegate* unmanaged<uint, void>)NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "srand");

    private static readonly object Gate = new();
    private static int _sampleRate;
    private static List<short>? _samples;
    private static List<(string Name, int Sample)>? _events;

    /// <summary>Synthesises <paramref name="ssml"/> with <paramref name="voice"/> at 150 words a minute into
    /// <paramref name="wavPath"/> and returns the phonemes with their times. The same text gives the same
    /// audio and timing whatever was synthesised or drawn from the C library's random numbers before it, in any process.</summary>
    public static IReadOnlyList<TimedPhoneme> Synthesise(string ssml, string voice, string wavPath)
    {
        lock (Gate) // the callback writes to the static buffers below
        {
            using var espeak = new FreshLibrary();
            _sampleRate = espeak.Initialize(AudioOutputSynchronous, 200, 0, InitialisePhonemeEvents | InitialiseDontExit);
            if (_sampleRate <= 0) throw new InvalidOperationException("espeak-ng could not be initialised (libespeak-ng1 and espeak-ng-data installed?)");
            espeak.SetSynthCallback(&OnSynth);
            if (!espeak.SelectVoice(voice)) throw new InvalidOperationException($"espeak-ng has no voice '{voice}'.");
            espeak.SetParameter(ParameterRate, 150, 0);
            _samples = []; _events = [];
            var text = Encoding.UTF8.GetBytes(ssml + "\0");
            SeedCRandom(1);
            fixed (byte* t = text)
                if (espeak.Synth(t, (nuint)text.Length, 0, PositionCharacter, 0, CharsUtf8 | Ssml, null, 0) != 0)
                    throw new InvalidOperationException("espeak-ng failed to synthesise the text.");
            espeak.Synchronize();
            WriteWav(wavPath, _samples, _sampleRate);
            var phonemes = new List<TimedPhoneme>();
            for (int i = 0; i < _events.Count; i++)
            {
                int end = i + 1 < _events.Count ? _events[i + 1].Sample : _samples.Count;
                phonemes.Add(new TimedPhoneme(_events[i].Name, _events[i].Sample / (double)_sampleRate, end / (double)_sampleRate));
            }
            return phonemes;
        }
    }

    [UnmanagedCallersOnly]
    private static int OnSynth(short* wav, int count, EspeakEvent* events)
    {
        for (int i = 0; i < count; i++) _samples!.Add(wav[i]);
        for (var e = events; e->Type != EventListTerminated; e++)
            if (e->Type == EventPhoneme)
            {
                // Phoneme mnemonics are packed into the 8-byte id (zero-terminated when shorter).
                int length = 0;
                while (length < 8 && e->Id[length] != 0) length++;
                string name = Encoding.ASCII.GetString(e->Id, length);
                // The event's audio position is in milliseconds from the start of the text.
                if (name.Length > 0) _events!.Add((name, (int)((long)e->AudioPositionMs * _sampleRate / 1000)));
            }
        return 0;
    }

    private static void WriteWav(string path, List<short> samples, int rate)
    {
        using var w = new BinaryWriter(File.Create(path));
        w.Write("RIFF"u8); w.Write(36 + samples.Count * 2); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(rate); w.Write(rate * 2); w.Write((short)2); w.Write((short)16);
        w.Write("data"u8); w.Write(samples.Count * 2);
        foreach (var s in samples) w.Write(s);
    }
}
