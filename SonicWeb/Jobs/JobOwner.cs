namespace SonicWeb.Jobs;

/// <summary>The signed-in user a new job belongs to (the submitter shown is their display name).</summary>
public sealed record JobOwner(string UserId, string DisplayName);
