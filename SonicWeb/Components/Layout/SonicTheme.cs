using MudBlazor;

namespace SonicWeb.Components.Layout;

/// <summary>The app's MudBlazor theme: one set of colours for light and one for dark, Roboto (self-hosted) throughout.</summary>
public static class SonicTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3556d8",
            Secondary = "#00897b",
            AppbarBackground = "#1d2330",
            AppbarText = "#ffffff",
            Background = "#f5f6fa",
            DrawerBackground = "#ffffff",
            TextPrimary = "#1d2330",
            TextSecondary = "#5d6678",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8ea6ff",
            Secondary = "#4db6ac",
            AppbarBackground = "#14171f",
            Background = "#1b1e26",
            Surface = "#242833",
            DrawerBackground = "#1f232c",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["Roboto", "system-ui", "Helvetica", "Arial", "sans-serif"] },
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "240px" },
    };
}
