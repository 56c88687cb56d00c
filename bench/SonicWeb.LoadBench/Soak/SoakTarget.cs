using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace SonicWeb.LoadBench.Soak;

/// <summary>The running app the soak drives: its address and process, the signed-in admin, and an API key of the admin's.</summary>
public sealed record SoakTarget(Uri BaseAddress, int ProcessId, CookieContainer AdminCookies, string ApiKey)
{
    /// <summary>
    /// Signs in as the bench's admin and gives it an API key. Keys are made on the settings page (no REST call makes
    /// one, on purpose), so the key is written into the app's database as that page does: only its SHA-256 is stored.
    /// </summary>
    public static async Task<SoakTarget> PrepareAsync(AppUnderTest app)
    {
        var (http, cookies) = await app.SignInAsync();
        http.Dispose();
        var key = "swk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss");
        var sql = $".timeout 10000\nINSERT INTO ApiKeys (Id, UserId, Name, Prefix, Hash, CreatedAt) SELECT '{id}', Id, 'soak', '{key[..8]}', '{hash}', '{now}' " +
                  $"FROM AspNetUsers WHERE NormalizedEmail = '{AppUnderTest.AdminEmail.ToUpperInvariant()}';\nSELECT changes();\n";
        var start = new ProcessStartInfo("sqlite3", Path.Combine(app.DataRoot, "sonicweb.db"))
            { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var sqlite = Process.Start(start) ?? throw new InvalidOperationException("sqlite3 did not start (apt-get install -y sqlite3)");
        await sqlite.StandardInput.WriteAsync(sql);
        sqlite.StandardInput.Close();
        var output = await sqlite.StandardOutput.ReadToEndAsync();
        await sqlite.WaitForExitAsync();
        if (output.Trim() != "1") throw new InvalidOperationException($"the API key was not stored: {output} {await sqlite.StandardError.ReadToEndAsync()}");
        return new SoakTarget(app.BaseAddress, app.ProcessId, cookies, key);
    }
}
