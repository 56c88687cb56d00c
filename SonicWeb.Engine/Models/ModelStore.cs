using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using SonicWeb.Engine.Errors;

namespace SonicWeb.Engine.Models;

/// <summary>One entry of models/manifest.json.</summary>
public sealed record ModelEntry(string Id, string File, string Package, string Version, string Path, string Sha256, string License, string Purpose);

/// <summary>
/// Finds model files and checks them against models/manifest.json (embedded in this assembly) before
/// first use. The folder is, in order: the constructor argument, the SONICWEB_MODELS environment
/// variable, or "models" beside the running program (where the build copies them).
/// Every call looks at the file on disk again (a model deleted or replaced while the app runs is seen at
/// once); the sha256 is computed again only when the file's size or time written changed.
/// </summary>
public sealed class ModelStore
{
    public const string FetchCommand = "bash scripts/fetch-models.sh (or any dotnet build of the solution)";

    private static readonly Lazy<IReadOnlyList<ModelEntry>> EmbeddedManifest = new(LoadManifest);
    /// <summary>Files already hashed in this process, by path, size and time written: a host (or test) that starts again does not hash them again.</summary>
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), bool> VerifiedFiles = new();

    public ModelStore(string? directory = null)
    {
        Directory = directory
            ?? Environment.GetEnvironmentVariable("SONICWEB_MODELS")
            ?? System.IO.Path.Combine(AppContext.BaseDirectory, "models");
    }

    public static ModelStore Default { get; } = new();

    public string Directory { get; }

    public static IReadOnlyList<ModelEntry> Manifest => EmbeddedManifest.Value;

    /// <summary>
    /// The path of model <paramref name="id"/>: present, and its sha256 that of the manifest.
    /// Throws <see cref="SonicEngineException"/> with code model_missing when absent or corrupt.
    /// </summary>
    public string GetPath(string id) => Verify(id);

    /// <summary>Checks every model; returns the problems found (empty when all are fine).</summary>
    public IReadOnlyList<string> CheckAll()
    {
        var problems = new List<string>();
        foreach (var entry in Manifest)
        {
            try { GetPath(entry.Id); }
            catch (SonicEngineException e) { problems.Add(e.Message); }
        }
        return problems;
    }

    private string Verify(string id)
    {
        var entry = Manifest.FirstOrDefault(m => m.Id == id)
            ?? throw new ArgumentException($"Unknown model id '{id}'.", nameof(id));
        var path = System.IO.Path.Combine(Directory, entry.File);
        if (!File.Exists(path))
            throw new SonicEngineException(EngineErrorCodes.ModelMissing,
                $"Model file '{entry.File}' ({entry.Id}, from npm {entry.Package}@{entry.Version}) is missing at {path}. Fetch it with: {FetchCommand}.");
        var file = new FileInfo(path);
        var version = (file.FullName, file.Length, file.LastWriteTimeUtc);
        if (VerifiedFiles.ContainsKey(version)) return path;
        using (var stream = file.OpenRead())
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (hash != entry.Sha256)
                throw new SonicEngineException(EngineErrorCodes.ModelMissing,
                    $"Model file '{entry.File}' ({entry.Id}) at {path} is corrupt: sha256 {hash}, expected {entry.Sha256}. Delete it and fetch it again with: {FetchCommand}.");
        }
        VerifiedFiles[version] = true;
        return path;
    }

    private static IReadOnlyList<ModelEntry> LoadManifest()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SonicWeb.Engine.models.manifest.json")
            ?? throw new InvalidOperationException("models/manifest.json is not embedded in SonicWeb.Engine.");
        using var doc = JsonDocument.Parse(stream);
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return doc.RootElement.GetProperty("models").Deserialize<List<ModelEntry>>(options)!;
    }
}
