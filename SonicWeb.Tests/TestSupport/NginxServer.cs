using System.Diagnostics;

namespace SonicWeb.Tests.TestSupport;

/// <summary>
/// Debian's nginx as the load balancer in front of several web nodes, on a free loopback port with its own
/// prefix folder (config, pid, logs, temp paths), so nothing of the machine's nginx set-up is used or touched.
/// Affinity as docs/deploy.md recommends for Blazor Server: a circuit's WebSocket and its negotiate request must
/// reach the node that holds the circuit, so requests are routed by a hash of the client's affinity cookie
/// (<see cref="AffinityCookie"/>; without it, by the client address). Tests choose a node by the cookie's value.
/// </summary>
public sealed class NginxServer : IAsyncDisposable
{
    public const string AffinityCookie = "sonicweb_node";

    private readonly Process _process;
    private readonly string _prefix;

    private NginxServer(Process process, string prefix, int port) => (_process, _prefix, BaseAddress) = (process, prefix, new Uri($"http://127.0.0.1:{port}"));

    public Uri BaseAddress { get; }

    /// <summary>What nginx wrote to its error log so far (why a proxied request failed).</summary>
    public string ErrorLog => File.Exists(Path.Combine(_prefix, "error.log")) ? File.ReadAllText(Path.Combine(_prefix, "error.log")) : "";

    public static async Task<NginxServer> StartAsync(IReadOnlyList<Uri> webNodes)
    {
        var prefix = Directory.CreateTempSubdirectory("sonicweb-nginx-").FullName;
        var port = AppProcess.FreeLoopbackPort();
        var servers = string.Join("\n", webNodes.Select(n => $"        server {n.Host}:{n.Port} max_fails=0;"));
        var config = $$"""
            daemon off;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log warn;
            worker_processes 1;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{prefix}}/body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                client_max_body_size 200m;
                map $http_upgrade $connection_upgrade { default upgrade; '' close; }
                map $cookie_{{AffinityCookie}} $affinity { default $cookie_{{AffinityCookie}}; '' $remote_addr; }
                upstream sonicweb {
                    hash $affinity consistent;
            {{servers}}
                }
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass http://sonicweb;
                        proxy_http_version 1.1;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection $connection_upgrade;
                        proxy_set_header Host $http_host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_read_timeout 3600s;
                        proxy_buffering off;
                        proxy_request_buffering off;
                    }
                }
            }
            """;
        var configFile = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(configFile, config);
        var start = new ProcessStartInfo("/usr/sbin/nginx") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-p", prefix, "-c", configFile, "-e", Path.Combine(prefix, "error.log") }) start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
        var server = new NginxServer(process, prefix, port);
        await LoopbackListener.WaitAsync(process, port, TimeSpan.FromSeconds(20), () => Task.FromResult(server.ErrorLog));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_prefix, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
