using System.Diagnostics;
using Microsoft.Playwright;

namespace SonicWeb.LoadBench;

/// <summary>
/// (d) One photo + one recording from a real chromium, three ways, on loopback: the raw HTTP endpoint (fetch() of a
/// FormData straight to POST /api/jobs), the reusable upload component (FileField + HttpUpload: XMLHttpRequest with
/// progress reported to .NET over the circuit), and MudFileUpload read over the circuit into a staging file (what a
/// component would do without the helper). The HTTP paths send an invalid parameter, so the server streams and stores
/// both files and then answers 400: the transfer alone, as the circuit path. Time = from the click to the page
/// showing the end (wall clock of the benchmark, Playwright round trips included for every path).
/// </summary>
public static class UploadPathsBenchmark
{
    public static async Task RunAsync(AppUnderTest app, BenchApi api, string photoPath, string workFolder, int rounds)
    {
        await using var browser = await BrowserSession.StartAsync(app.BaseAddress, api.Cookies);
        // Records how long each XMLHttpRequest took from send() to its answer, so the component's own transfer can be
        // told apart from the circuit round trips around it (click, starting the request, reporting the answer).
        await browser.Context.AddInitScriptAsync("""
            window.__xhrMs = [];
            const send = XMLHttpRequest.prototype.send;
            XMLHttpRequest.prototype.send = function (body) {
                const start = performance.now();
                this.addEventListener("loadend", () => window.__xhrMs.push(performance.now() - start));
                return send.call(this, body);
            };
            """);
        var page = await browser.OpenAsync("/diagnostics/uploads");
        var photoBytes = new FileInfo(photoPath).Length;
        Console.WriteLine($"(d) upload paths from chromium: photo {Mb(photoBytes)} + a WAV recording, {rounds} round(s) each, median");
        Console.WriteLine("    total    path                        median ms   MB/s   vs raw HTTP (median)   min ms");
        foreach (var totalMb in new[] { 20, 50 })
        {
            long totalBytes = totalMb * 1_000_000L;
            var audio = BenchMedia.Wav(Path.Combine(workFolder, $"upload-path-{totalMb}mb.wav"), (totalBytes - photoBytes - 44) / 192000.0, 48000, 2);
            foreach (var (photoInput, audioInput) in new[] { ("#http-image", "#http-audio"), ("input.circuit-image", "input.circuit-audio"), ("#raw-image", "#raw-audio") })
            {
                await page.Locator(photoInput).Last.SetInputFilesAsync(photoPath); // MudFileUpload adds a fresh input after each choice
                await page.Locator(audioInput).Last.SetInputFilesAsync(audio);
            }
            long bytes = photoBytes + new FileInfo(audio).Length;
            var raw = await MeasureAsync(rounds, () => page.EvaluateAsync<int>("""
                async () => {
                    const form = new FormData();
                    form.append("min_resolution", "1");
                    form.append("image", document.getElementById("raw-image").files[0]);
                    form.append("audio", document.getElementById("raw-audio").files[0]);
                    return (await fetch("/api/jobs", { method: "POST", body: form })).status;
                }
                """));
            await page.EvaluateAsync("() => window.__xhrMs = []");
            var http = await MeasureAsync(rounds, async () => await ClickAndWaitAsync(page, "#http-start", "#http-done"));
            var xhr = (await page.EvaluateAsync<double[]>("() => window.__xhrMs")).ToList();
            var circuit = await MeasureAsync(rounds, async () => await ClickAndWaitAsync(page, "#circuit-start", "#circuit-done"));
            Print(totalMb, "raw HTTP (fetch)", raw, bytes, raw);
            Print(totalMb, "component over HTTP", http, bytes, raw);
            Print(totalMb, "  of which the request", xhr, bytes, raw);
            Print(totalMb, "MudFileUpload over circuit", circuit, bytes, raw);
            File.Delete(audio);
        }
        Console.WriteLine("    target: a 50 MB upload within 1.5x of the raw HTTP endpoint's time");
    }

    private static async Task<int> ClickAndWaitAsync(IPage page, string button, string done)
    {
        int run = await page.Locator(done).CountAsync() == 0 ? 0 : int.Parse(await page.Locator(done).GetAttributeAsync("data-run") ?? "0");
        await page.ClickAsync(button);
        await page.Locator($"{done}[data-run='{run + 1}']").WaitForAsync(new() { Timeout = 300_000 });
        return run + 1;
    }

    private static async Task<List<double>> MeasureAsync<T>(int rounds, Func<Task<T>> once)
    {
        var times = new List<double>();
        for (int i = 0; i < rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            await once();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    private static void Print(int totalMb, string path, List<double> times, long bytes, List<double> raw)
    {
        double median = Stats.Percentile(times, 50), rawMedian = Stats.Percentile(raw, 50);
        Console.WriteLine($"    {totalMb,3} MB   {path,-27} {median,9:0}   {bytes / 1e6 / (median / 1000),5:0.0}   {median / rawMedian,5:0.00}x {times.Min(),19:0}   (runs: {string.Join(", ", times.Select(t => t.ToString("0")))})");
    }

    private static string Mb(long bytes) => $"{bytes / 1e6:0.0} MB";
}
