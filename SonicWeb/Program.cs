using SonicWeb.Cli;
using SonicWeb.Hosting;

// `SonicWeb generate ...` and `SonicWeb inspect ...` are command-line verbs; anything else starts the web app.
if (CliApp.IsCliInvocation(args))
{
    using var onnx = new SonicWeb.Engine.Onnx.OrtRuntime();
    return await CliApp.RunAsync(args, () => EngineSetup.CreatePipeline(EngineSetup.CliConfiguration(), onnx, w => Console.Error.WriteLine("warning: " + w)));
}

var builder = WebApplication.CreateBuilder(args);
builder.AddSonicWeb();

var app = builder.Build();
app.UseSonicWeb();
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
