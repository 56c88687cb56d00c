using SonicWeb.Engine.Errors;

namespace SonicWeb.Engine.Onnx;

/// <summary>
/// ONNX Runtime could not load or run a model. Code is always inference_failed; the message is ONNX
/// Runtime's own (it names the file and the problem, e.g. "Protobuf parsing failed").
/// </summary>
public sealed class OrtException : SonicEngineException
{
    public OrtException(string message, Exception? inner = null)
        : base(EngineErrorCodes.InferenceFailed, "ONNX Runtime: " + message, inner)
    {
    }
}
