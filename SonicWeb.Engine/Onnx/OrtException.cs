using SonicWeb.Engine.Errors;

namespace SonicWeb.Engine.Onnx;

/// <summary>
/// An error reported by ONNX Runtime (a non-null OrtStatus). Code is always inference_failed;
/// <see cref="OrtErrorCode"/> keeps ORT's own code (e.g. 7 = INVALID_PROTOBUF, 3 = NO_SUCHFILE).
/// </summary>
public sealed class OrtException : SonicEngineException
{
    public OrtException(int ortErrorCode, string message)
        : base(EngineErrorCodes.InferenceFailed, "ONNX Runtime: " + message)
        => OrtErrorCode = ortErrorCode;

    public int OrtErrorCode { get; }
}
