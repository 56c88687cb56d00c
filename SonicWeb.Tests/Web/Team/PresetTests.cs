using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using SonicWeb.Tests.TestSupport;
using static SonicWeb.Tests.Web.WebTestKit;

namespace SonicWeb.Tests.Web.Team;

/// <summary>Presets: the starting ones, the admin's management, and jobs submitted with preset=&lt;name&gt;.</summary>
[Collection(WebCollection.Name)]
public sealed class PresetTests
{
    [Fact]
    public async Task Admins_create_edit_and_delete_presets_with_validated_parameters_and_names_unique_regardless_of_case()
    {
        using var host = new WebTestHost();
        var names = await NamesAsync(host.Http);
        Assert.Equal(["Product showcase 1024", "Quick draft 512"], names);

        using var created = await host.Http.PostAsJsonAsync("/api/presets", new { name = "Intro 256", description = "tests", parameters = new { min_resolution = 256, crop = "FULL", align_mouth = "false" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var preset = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("""{"min_resolution":256,"crop":"full","align_mouth":false}""", preset.GetProperty("parameters").GetRawText());
        var id = preset.GetProperty("id").GetInt32();

        var duplicate = await Problem(await host.Http.PostAsJsonAsync("/api/presets", new { name = "  intro 256 ", parameters = new { } }));
        Assert.Equal((400, "duplicate_name"), duplicate);
        var (status, body) = await ProblemBody(await host.Http.PostAsJsonAsync("/api/presets", new { name = "Tiny", parameters = new { min_resolution = 5, colour = 1 } }));
        Assert.Equal(400, status);
        Assert.Contains("'colour' is not a parameter", body);
        (status, body) = await ProblemBody(await host.Http.PostAsJsonAsync("/api/presets", new { name = "Tiny", parameters = new { min_resolution = 5 } }));
        Assert.Equal(400, status);
        Assert.Contains("min_resolution", body);
        Assert.Contains("256..2048", body);

        using var renamed = await host.Http.PutAsJsonAsync($"/api/presets/{id}", new { name = "Intro small", parameters = new { min_resolution = 320 } });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Contains("Intro small", await NamesAsync(host.Http));
        Assert.Equal(HttpStatusCode.NoContent, (await host.Http.DeleteAsync($"/api/presets/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.DeleteAsync($"/api/presets/{id}")).StatusCode);

        // The admin page's form (antiforgery token included); blank parameters are not part of the preset.
        var page = await host.Http.GetStringAsync("/admin/presets");
        Assert.Contains("Quick draft 512", page);
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var posted = await host.Http.PostAsync("/admin/presets", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["name"] = "Form preset", ["description"] = "", ["min_resolution"] = "512", ["expand_ratio"] = "", ["crop"] = "",
        }));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Contains("message=", posted.Headers.Location!.ToString());
        var list = await host.Http.GetFromJsonAsync<JsonElement>("/api/presets", Json);
        var form = list.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Form preset");
        Assert.Equal("""{"min_resolution":512}""", form.GetProperty("parameters").GetRawText());
        // The form's backend picker is kept with the parameters (it used to be dropped on saving).
        using (var remote = await host.Http.PostAsync("/admin/presets", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["__RequestVerificationToken"] = token, ["name"] = "GPU preset", ["min_resolution"] = "512", ["backend"] = "comfyui-sonic" })))
            Assert.Contains("message=", remote.Headers.Location!.ToString());
        var gpu = (await host.Http.GetFromJsonAsync<JsonElement>("/api/presets", Json)).EnumerateArray().Single(p => p.GetProperty("name").GetString() == "GPU preset");
        Assert.Equal("""{"min_resolution":512,"backend":"comfyui-sonic"}""", gpu.GetProperty("parameters").GetRawText());
        // A refused form goes back to the page with the message.
        using var refused = await host.Http.PostAsync("/admin/presets", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["__RequestVerificationToken"] = token, ["name"] = "FORM PRESET" }));
        Assert.Contains("error=", refused.Headers.Location!.ToString());
        Assert.Contains("already exists", await host.Http.GetStringAsync(refused.Headers.Location!.ToString()));
    }

    [Fact]
    public async Task A_job_submitted_with_a_preset_gets_its_parameters_and_fields_sent_with_it_win()
    {
        using var host = new WebTestHost();
        using var created = await host.Http.PostAsJsonAsync("/api/presets", new { name = "Small still", parameters = new { min_resolution = 256, motion_scale = 0.5, crop = "full" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var clip = BatchTestKit.Clip("Hello.", "hello");

        // preview_first keeps the jobs from rendering in full: only their parameters matter here.
        var job = await SubmitAsync(host.Http, TestMedia.AstronautPng, clip, ("preset", "small STILL"), ("motion_scale", "0.8"), ("preview_first", "true"));
        var p = job.GetProperty("parameters");
        Assert.Equal(256, p.GetProperty("min_resolution").GetInt32());
        Assert.Equal(0.8, p.GetProperty("motion_scale").GetDouble());
        Assert.Equal("full", p.GetProperty("crop").GetString());

        // Inside the JSON config (the compatibility endpoint's way), config values over the preset's.
        var form = Form(TestMedia.AstronautPng, clip, ("config", """{"preset": "Small still", "crop": "face", "preview_first": true}"""));
        using var compat = await host.Http.PostAsync("/api/sonic/generate", form);
        Assert.Equal(HttpStatusCode.Accepted, compat.StatusCode);
        var taskId = (await compat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("task_id").GetString()!;
        var compatParameters = (await GetJobAsync(host.Http, taskId)).GetProperty("parameters");
        Assert.Equal(256, compatParameters.GetProperty("min_resolution").GetInt32());
        Assert.Equal("face", compatParameters.GetProperty("crop").GetString());

        using var unknown = await host.Http.PostAsync("/api/jobs", Form(TestMedia.AstronautPng, clip, ("preset", "Glossy")));
        var (status, body) = await ProblemBody(unknown);
        Assert.Equal(400, status);
        Assert.Contains("There is no preset 'Glossy'. Available presets: 'Product showcase 1024', 'Quick draft 512', 'Small still'.", body);
    }

    [Fact]
    public async Task A_database_from_before_presets_and_batches_gets_the_tables_column_and_starting_presets_at_start()
    {
        string root;
        using (var first = new WebTestHost()) root = first.Root;
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(root, "sonicweb.db")};Pooling=False"))
        {
            await db.OpenAsync();
            var command = db.CreateCommand();
            command.CommandText = "DROP INDEX IX_Jobs_BatchId; ALTER TABLE Jobs DROP COLUMN BatchId; DROP TABLE Presets; DROP TABLE Batches;";
            await command.ExecuteNonQueryAsync();
        }

        using var second = new WebTestHost(root);
        Assert.Equal(["Product showcase 1024", "Quick draft 512"], await NamesAsync(second.Http));
        Assert.Equal(HttpStatusCode.NotFound, (await second.Http.GetAsync("/api/batches/0123456789abcdef01234567")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.Http.GetAsync("/history")).StatusCode);
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(root, "sonicweb.db")};Pooling=False"))
        {
            await db.OpenAsync();
            var command = db.CreateCommand();
            command.CommandText = "SELECT count(*) FROM pragma_table_info('Jobs') WHERE name = 'BatchId'";
            Assert.Equal(1L, await command.ExecuteScalarAsync());
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name IN ('Batches', 'Presets', 'IX_Jobs_BatchId', 'IX_Presets_NormalizedName')";
            Assert.Equal(4L, await command.ExecuteScalarAsync());
        }
    }

    private static async Task<List<string>> NamesAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonElement>("/api/presets", Json)).EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToList();

    private static async Task<(int, string)> Problem(HttpResponseMessage response)
    {
        using (response)
            return ((int)response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!);
    }

    private static async Task<(int, string)> ProblemBody(HttpResponseMessage response)
    {
        using (response) return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
