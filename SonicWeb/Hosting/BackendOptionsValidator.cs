namespace SonicWeb.Hosting;

public sealed class BackendOptionsValidator : OptionsValidator<BackendOptions>
{
    public override IEnumerable<string> Problems(BackendOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.Default)) yield return "Backends:Default must name a backend, e.g. builtin";
    }
}
