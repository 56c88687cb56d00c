namespace SonicWeb.Errors;

/// <summary>The thing existed but its files were removed on purpose (the retention policy): HTTP 410 Gone.</summary>
public sealed class GoneException(string message) : DomainException(GoneCode, message)
{
    public const string GoneCode = "expired";
}
