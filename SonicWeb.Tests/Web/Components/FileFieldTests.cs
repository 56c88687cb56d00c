using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using SonicWeb.Components.Shared.Uploads;

namespace SonicWeb.Tests.Web.Components;

/// <summary>The upload component's picker: the choice with its size, and a file over the limit named at once.</summary>
public sealed class FileFieldTests : ComponentTestContext
{
    [Fact]
    public void A_chosen_file_is_shown_with_its_size_and_one_over_the_limit_is_named_with_the_limit()
    {
        IReadOnlyList<Microsoft.AspNetCore.Components.Forms.IBrowserFile>? chosen = null;
        var cut = Render<FileField>(p => p
            .Add(f => f.Id, "audio")
            .Add(f => f.Label, "Recording")
            .Add(f => f.MaxBytes, 2 * 1048576)
            .Add(f => f.FilesChanged, files => chosen = files));
        Assert.Contains("No file chosen", cut.Markup);

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(new byte[1048576], "voice.wav"));
        cut.WaitForAssertion(() => Assert.Equal("voice.wav · 1.0 MB", cut.Find("#audio-chosen").TextContent.Trim()));
        Assert.Empty(cut.FindAll("#audio-error"));
        Assert.Equal("voice.wav", Assert.Single(chosen!).Name);

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(new byte[3 * 1048576], "long.wav"));
        cut.WaitForAssertion(() => Assert.Equal("long.wav is 3.0 MB; the limit is 2.0 MB per file.", cut.Find("#audio-error").TextContent.Trim()));
        Assert.NotNull(cut.Instance.Error);
    }

    [Fact]
    public void Too_many_files_are_refused_with_the_count()
    {
        var cut = Render<FileField>(p => p.Add(f => f.Id, "recordings").Add(f => f.Multiple, true).Add(f => f.MaxFiles, 2));
        cut.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromText("a", "a.wav"), InputFileContent.CreateFromText("b", "b.wav"), InputFileContent.CreateFromText("c", "c.wav"));
        cut.WaitForAssertion(() => Assert.Equal("3 files were chosen; at most 2 can be sent at once.", cut.Find("#recordings-error").TextContent.Trim()));
        Assert.Empty(cut.Instance.Files);
    }
}
