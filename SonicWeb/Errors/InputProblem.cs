namespace SonicWeb.Errors;

/// <summary>What kind of problem an input has: the edge picks its answer by it (400, 413, 415, 422).</summary>
public enum InputProblem
{
    /// <summary>A parameter, field or request shape is wrong or missing.</summary>
    Invalid,
    /// <summary>A file is larger than its limit.</summary>
    TooLarge,
    /// <summary>A file is not an accepted type (decided by content).</summary>
    UnsupportedType,
    /// <summary>The files are of the right type but cannot make a video (no face, audio too long, ...).</summary>
    Unusable,
}
