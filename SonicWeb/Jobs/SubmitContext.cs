namespace SonicWeb.Jobs;

/// <summary>
/// How a job submitted as part of something larger is created. <see cref="BatchId"/> ties it to its
/// batch (one message per batch instead of one per job). <see cref="Hold"/> creates it waiting
/// (AwaitingConfirmation) instead of queued, so a batch's jobs start only once every pair has passed
/// its checks, and can all be removed if one has not.
/// </summary>
public sealed record SubmitContext(string? BatchId = null, bool Hold = false);
