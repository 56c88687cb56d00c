using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace SonicWeb.Nodes;

/// <summary>
/// GET /metrics: this node's worker figures in Prometheus' text format (anonymous, like /health; keep the
/// port on the internal network). Slots, busy slots, jobs finished since start, draining.
/// </summary>
public static class WorkerMetrics
{
    public static IEndpointConventionBuilder MapWorkerMetrics(this IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", (WorkerActivity activity, IOptions<NodeOptions> node) =>
        {
            var name = node.Value.NodeName.Replace("\\", "\\\\").Replace("\"", "\\\"");
            var text = new StringBuilder();
            void Gauge(string metric, string help, string type, double value)
            {
                text.Append("# HELP ").Append(metric).Append(' ').AppendLine(help);
                text.Append("# TYPE ").Append(metric).Append(' ').AppendLine(type);
                text.Append(metric).Append("{node=\"").Append(name).Append("\"} ").AppendLine(value.ToString(CultureInfo.InvariantCulture));
            }
            Gauge("sonicweb_worker_slots", "Jobs this node generates at the same time.", "gauge", activity.Slots);
            Gauge("sonicweb_worker_busy_slots", "Jobs running on this node now.", "gauge", activity.RunningJobs.Count);
            Gauge("sonicweb_worker_jobs_finished_total", "Jobs this node finished since it started.", "counter", activity.JobsFinished);
            Gauge("sonicweb_worker_draining", "1 while the node stops: no new job, the running ones finish.", "gauge", activity.Draining ? 1 : 0);
            return Results.Text(text.ToString(), "text/plain; version=0.0.4");
        }).AllowAnonymous().ExcludeFromDescription(); // for Prometheus, not for API clients
}
