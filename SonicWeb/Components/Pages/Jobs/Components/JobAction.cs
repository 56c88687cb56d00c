namespace SonicWeb.Components.Pages.Jobs.Components;

/// <summary>The commands the job page offers (each one a <see cref="Jobs.Lifecycle.JobLifecycle"/> command).</summary>
public enum JobAction { Confirm, Cancel, Retry, Rerun, Delete }
