using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using SonicWeb.Accounts;
using SonicWeb.Errors;
using SonicWeb.Presets;
using SonicWeb.Security;

namespace SonicWeb.Api;

/// <summary>What POST/PUT /api/presets take: the parameters as a JSON object with the API's parameter names.</summary>
public sealed record PresetInput(string? Name, string? Description, JsonElement? Parameters);

/// <summary>
/// /api/presets: everyone signed in lists them (operators pick one with preset=&lt;name&gt;); only admins
/// create, change and delete them. The admin page posts plain forms to /admin/presets (redirects back).
/// </summary>
public static class PresetsApi
{
    public static void MapPresetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/presets").WithTags("Presets").AddEndpointFilter<ApiProblemFilter>().RequireAuthorization();
        api.MapGet("/", ListAsync).WithName("ListPresets").DocumentsProblems(401).WithSummary("The presets: name, description and the parameters each sets.");
        api.MapPost("/", CreateAsync).WithName("CreatePreset").RequireAuthorization(Policies.Admin).DocumentsProblems(400, 401, 403)
            .WithSummary("Create a preset (admins): a unique name, a description and the parameters with the API's names (400 names a bad one).");
        api.MapPut("/{id:int}", UpdateAsync).WithName("UpdatePreset").RequireAuthorization(Policies.Admin).DocumentsProblems(ProblemResponses.AdminChange)
            .WithSummary("Replace a preset's name, description and parameters (admins).");
        api.MapDelete("/{id:int}", DeleteAsync).WithName("DeletePreset").RequireAuthorization(Policies.Admin).DocumentsProblems(401, 403, 404)
            .WithSummary("Delete a preset (admins); jobs made with it keep their parameters.");

        var admin = app.MapGroup("/admin/presets").RequireAuthorization(Policies.Admin)
            .RequireFormToken()
            // Declaring form bodies makes these, not the page's own POST handling, the match for a form post.
            .WithMetadata(new AcceptsMetadata(["application/x-www-form-urlencoded", "multipart/form-data"]))
            .ExcludeFromDescription();
        admin.MapPost("/", (HttpRequest r, PresetService p) =>
            FormAsync(r, (form, ct) => p.CreateAsync(form["name"], form["description"], PresetRules.FromFields(Pairs(form)), ct), "created"));
        admin.MapPost("/{id:int}", (int id, HttpRequest r, PresetService p) =>
            FormAsync(r, (form, ct) => p.UpdateAsync(id, form["name"], form["description"], PresetRules.FromFields(Pairs(form)), ct), "saved"));
        admin.MapPost("/{id:int}/delete", async (int id, HttpRequest r, PresetService p, CancellationToken ct) =>
        {
            try { await p.DeleteAsync(id, ct); return Results.Redirect("/admin/presets?message=" + Uri.EscapeDataString("Preset deleted.")); }
            catch (DomainException e) { return Results.Redirect("/admin/presets?error=" + Uri.EscapeDataString(e.Message)); }
        });
    }

    public static async Task<Ok<IReadOnlyList<PresetView>>> ListAsync(PresetService presets, CancellationToken ct) =>
        TypedResults.Ok(await presets.ListAsync(ct));

    public static async Task<Results<Created<PresetView>, ProblemHttpResult>> CreateAsync(PresetInput input, PresetService presets, CancellationToken ct)
    {
        var preset = await presets.CreateAsync(input.Name, input.Description, input.Parameters?.GetRawText(), ct);
        return TypedResults.Created($"/api/presets/{preset.Id}", preset);
    }

    public static async Task<Results<Ok<PresetView>, ProblemHttpResult>> UpdateAsync(int id, PresetInput input, PresetService presets, CancellationToken ct) =>
        TypedResults.Ok(await presets.UpdateAsync(id, input.Name, input.Description, input.Parameters?.GetRawText(), ct));

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(int id, PresetService presets, CancellationToken ct)
    {
        await presets.DeleteAsync(id, ct);
        return TypedResults.NoContent();
    }

    /// <summary>Runs a create/update from the admin form; a refusal goes back to the page with the message and the values typed.</summary>
    private static async Task<IResult> FormAsync(HttpRequest request, Func<IFormCollection, CancellationToken, Task<PresetView>> action, string done)
    {
        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        try
        {
            var preset = await action(form, request.HttpContext.RequestAborted);
            return Results.Redirect("/admin/presets?message=" + Uri.EscapeDataString($"Preset '{preset.Name}' {done}."));
        }
        catch (DomainException e)
        {
            var back = form.Where(f => f.Key != "__RequestVerificationToken" && !string.IsNullOrEmpty(f.Value.ToString()))
                .Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value.ToString()));
            var edit = request.RouteValues.TryGetValue("id", out var id) ? $"&edit={id}" : "";
            return Results.Redirect("/admin/presets?error=" + Uri.EscapeDataString(e.Message) + edit + "&" + string.Join("&", back) + "#preset-form");
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> Pairs(IFormCollection form) =>
        form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value.ToString()));
}
