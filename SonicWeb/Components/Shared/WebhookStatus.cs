using SonicWeb.Notifications;

namespace SonicWeb.Components.Shared;

/// <summary>A webhook call's status as the pages show it.</summary>
public static class WebhookStatus
{
    public static string Words(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Sent => "delivered",
        DeliveryStatus.Pending => "waiting",
        DeliveryStatus.Failed => "failed",
        _ => "skipped",
    };

    public static MudBlazor.Color Color(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Sent => MudBlazor.Color.Success,
        DeliveryStatus.Pending => MudBlazor.Color.Info,
        DeliveryStatus.Failed => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Default,
    };
}
