namespace SonicWeb.Errors;

/// <summary>The user's role, or someone else's ownership of the job, does not allow this.</summary>
public sealed class ForbiddenException(string message) : DomainException(ForbiddenCode, message)
{
    public const string ForbiddenCode = "forbidden";
}
