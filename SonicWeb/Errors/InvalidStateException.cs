namespace SonicWeb.Errors;

/// <summary>The job is in a state that does not allow this (cancel a finished job, review a failed one).</summary>
public sealed class InvalidStateException(string message) : DomainException(InvalidStateCode, message)
{
    public const string InvalidStateCode = "invalid_state";
}
