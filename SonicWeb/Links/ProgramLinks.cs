using SonicWeb.Jobs;

namespace SonicWeb.Links;

/// <summary>The links a program gets in an answer or a webhook call: signed (usable on their own until they expire) and absolute.</summary>
public sealed class ProgramLinks(SignedLinks signed, PublicAddress address)
{
    public SignedJobLinks For(HttpRequest? request, string jobId)
    {
        var links = signed.For(jobId);
        return links with
        {
            Video = address.Absolute(request, links.Video),
            Preview = address.Absolute(request, links.Preview),
            Thumbnail = address.Absolute(request, links.Thumbnail),
        };
    }

    public JobView AddTo(HttpRequest? request, JobView job) => job with { SignedLinks = For(request, job.Id) };
}
