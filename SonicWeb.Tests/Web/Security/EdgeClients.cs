using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace SonicWeb.Tests.Web.Security;

/// <summary>HTTP clients as the edge tests need them: from another loopback address, and the sign-in form's token.</summary>
public static class EdgeClients
{
    /// <summary>
    /// A client whose connections come from <paramref name="source"/> (any 127.x.y.z is this machine on Linux),
    /// so the server sees a different client address, as it would a proxy or another user.
    /// </summary>
    public static HttpClient From(Uri baseAddress, string source, CookieContainer? cookies = null) =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = cookies ?? new CookieContainer(),
            UseCookies = true,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch { socket.Dispose(); throw; }
            },
        }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) };

    /// <summary>The antiforgery token of the sign-in form (the client keeps its cookie).</summary>
    public static async Task<string> SignInTokenAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/account/login");
        return Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
    }

    public static Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string token, string email, string password) =>
        client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["email"] = email, ["password"] = password, ["__RequestVerificationToken"] = token }));
}
