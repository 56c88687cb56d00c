namespace SonicWeb.Errors;

/// <summary>
/// A request the app refuses for a reason in the product's own terms: the job does not exist, it is in
/// a state that does not allow this, the inputs cannot be used, the user may not do this. Services
/// (Jobs, Batches, Presets, Reviews) throw these and nothing HTTP-shaped, so the REST API and the
/// pages can call the same services; only the edge turns them into a response (Api/ProblemMapping)
/// or a message on the page. <see cref="Code"/> is stable: programs match on it.
/// </summary>
public abstract class DomainException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
