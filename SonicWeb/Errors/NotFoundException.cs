namespace SonicWeb.Errors;

/// <summary>There is no such job, batch or preset (or the id is not one).</summary>
public sealed class NotFoundException(string message) : DomainException(NotFoundCode, message)
{
    public const string NotFoundCode = "not_found";
}
