namespace SonicWeb.Hosting;

/// <summary>Which generation backend new jobs use (configuration section "Backends"; more backends arrive with their own settings).</summary>
public sealed class BackendOptions
{
    public const string Section = "Backends";

    /// <summary>The backend's name, e.g. "builtin" (the CPU animator in this process).</summary>
    public string Default { get; set; } = Engine.Backends.BuiltIn.BuiltInBackend.Name;
}
