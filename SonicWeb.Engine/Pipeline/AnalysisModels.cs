using SonicWeb.Engine.Audio.Vad;
using SonicWeb.Engine.Faces.Detection;
using SonicWeb.Engine.Faces.Landmarks;
using SonicWeb.Engine.Models;
using SonicWeb.Engine.Onnx;

namespace SonicWeb.Engine.Pipeline;

/// <summary>
/// The analysis networks, loaded once per process and shared by every job (ONNX sessions and the
/// landmark weights are read-only after loading). A host registers one instance as a singleton,
/// loaded from its <see cref="ModelStore"/>.
/// </summary>
public sealed class AnalysisModels
{
    private sealed record Networks(BlazeFaceDetector FaceDetector, FaceLandmarkNet68 LandmarkNet, SileroVad VoiceActivity);

    private readonly Func<Networks> _load;
    private readonly object _loadGate = new();
    private volatile Networks? _networks;

    public AnalysisModels(BlazeFaceDetector faceDetector, FaceLandmarkNet68 landmarkNet, SileroVad voiceActivity)
    {
        _networks = new Networks(faceDetector, landmarkNet, voiceActivity);
        _load = () => _networks;
    }

    private AnalysisModels(Func<Networks> load) => _load = load;

    public BlazeFaceDetector FaceDetector => Loaded.FaceDetector;
    public FaceLandmarkNet68 LandmarkNet => Loaded.LandmarkNet;
    public SileroVad VoiceActivity => Loaded.VoiceActivity;

    /// <summary>Whether the networks are in memory (then jobs run even if a file is deleted from disk afterwards).</summary>
    public bool IsLoaded => _networks is not null;

    /// <summary>
    /// Loads every network now (not on the first job), so a missing or corrupt model is reported at
    /// start-up with the command that fetches it. The ONNX sessions belong to <paramref name="runtime"/>
    /// (the caller disposes it when the application ends).
    /// </summary>
    public static AnalysisModels Load(ModelStore store, OrtRuntime runtime, OnnxSessionOptions onnx, Action<string>? warn = null)
    {
        var models = LoadOnFirstUse(store, runtime, onnx, warn);
        models.EnsureLoaded();
        return models;
    }

    /// <summary>
    /// For a server: the networks load when first used, and a failed load (a model file missing or corrupt) is not
    /// kept, so that job fails with model_missing naming the file, the server keeps running, and the first use after
    /// the file is restored loads it: no restart needed.
    /// </summary>
    public static AnalysisModels LoadOnFirstUse(ModelStore store, OrtRuntime runtime, OnnxSessionOptions onnx, Action<string>? warn = null) =>
        new(() =>
        {
            var landmarks = new FaceLandmarkNet68(store);
            landmarks.EnsureLoaded();
            return new Networks(
                new BlazeFaceDetector(runtime.GetSession(store.GetPath("blazeface"), onnx, warn)),
                landmarks,
                new SileroVad(runtime.GetSession(store.GetPath("silero-vad"), onnx, warn)));
        });

    /// <summary>Loads the networks unless they are loaded; throws model_missing naming the file when one cannot be.</summary>
    public void EnsureLoaded() => _ = Loaded;

    private Networks Loaded
    {
        get
        {
            if (_networks is { } loaded) return loaded;
            lock (_loadGate) return _networks ??= _load();
        }
    }
}
