namespace SonicWeb.Hosting;

/// <summary>Kestrel creates its buffer pools before the first request, so this one is also checked while the app is built.</summary>
public sealed class ServerBufferOptionsValidator : OptionsValidator<ServerBufferOptions>
{
    public override IEnumerable<string> Problems(ServerBufferOptions o)
    {
        if (!o.IsValid)
            yield return $"Server:BufferBlockBytes is {o.BufferBlockBytes}; it must be 0 (the framework's 4 KB blocks) or {ServerBufferOptions.MinBlockBytes}..{ServerBufferOptions.MaxBlockBytes}.";
    }
}
