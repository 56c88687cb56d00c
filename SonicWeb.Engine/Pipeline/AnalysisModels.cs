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
public sealed class AnalysisModels(BlazeFaceDetector faceDetector, FaceLandmarkNet68 landmarkNet, SileroVad voiceActivity)
{
    public BlazeFaceDetector FaceDetector { get; } = faceDetector;
    public FaceLandmarkNet68 LandmarkNet { get; } = landmarkNet;
    public SileroVad VoiceActivity { get; } = voiceActivity;

    /// <summary>
    /// Loads every network now (not on the first job), so a missing or corrupt model is reported at
    /// start-up with the command that fetches it. The ONNX sessions belong to <paramref name="runtime"/>
    /// (the caller disposes it when the application ends).
    /// </summary>
    public static AnalysisModels Load(ModelStore store, OrtRuntime runtime, OnnxSessionOptions onnx, Action<string>? warn = null)
    {
        var landmarks = new FaceLandmarkNet68(store);
        landmarks.EnsureLoaded();
        return new AnalysisModels(
            new BlazeFaceDetector(runtime.GetSession(store.GetPath("blazeface"), onnx, warn)),
            landmarks,
            new SileroVad(runtime.GetSession(store.GetPath("silero-vad"), onnx, warn)));
    }
}
