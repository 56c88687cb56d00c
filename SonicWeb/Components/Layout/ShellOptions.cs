using SonicWeb.Hosting;

namespace SonicWeb.Components.Layout;

/// <summary>The page shell (section "Shell").</summary>
public sealed class ShellOptions
{
    public const string Section = "Shell";

    /// <summary>
    /// How long a prerendered interactive page waits for its circuit before its "Connecting…" status gives up and
    /// says the server cannot be reached, with a Reload button (js/circuit-start-failed.js). A negotiation the server
    /// refuses or the network drops says so at once; this bounds a start that hangs. A circuit that starts later still
    /// takes the page over. Default 15 s.
    /// </summary>
    public double CircuitStartTimeoutSeconds { get; set; } = 15;

    public int CircuitStartTimeoutMilliseconds => (int)Math.Round(CircuitStartTimeoutSeconds * 1000);
}

public sealed class ShellOptionsValidator : OptionsValidator<ShellOptions>
{
    public override IEnumerable<string> Problems(ShellOptions o)
    {
        if (o.CircuitStartTimeoutSeconds is not (> 0 and <= 600))
            yield return $"Shell:CircuitStartTimeoutSeconds is {o.CircuitStartTimeoutSeconds}; it must be more than 0 and at most 600";
    }
}
