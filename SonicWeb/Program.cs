using SonicWeb.Cli;
using SonicWeb.Hosting;

// `SonicWeb generate ...` and `SonicWeb inspect ...` are command-line verbs; anything else starts the web app.
if (CliApp.IsCliInvocation(args))
{
    // The engine as the web app has it (same settings, validation and backends); disposing it stops any ffmpeg left.
    await using var engine = CliApp.EngineServices(EngineSetup.CliConfiguration());
    return await CliApp.RunAsync(args, () => engine.GetRequiredService<SonicWeb.Engine.Backends.GenerationBackends>().Default);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddSonicWeb();

var app = builder.Build();
app.UseSonicWeb();
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
