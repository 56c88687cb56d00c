using System.Net;
using System.Text.RegularExpressions;
using SonicWeb.Cli;

namespace SonicWeb.Tests.Web;

[Collection(WebCollection.Name)]
public sealed class UsersCommandTests
{
    [Fact]
    public async Task Users_add_without_a_password_prints_a_generated_one_once_and_that_account_can_sign_in()
    {
        var root = Directory.CreateTempSubdirectory("sonicweb-cli-users-").FullName;
        var previous = Environment.GetEnvironmentVariable("Storage__Root");
        Environment.SetEnvironmentVariable("Storage__Root", root); // the CLI reads configuration from the environment
        try
        {
            // A fresh installation: no account, no default password; the sign-in page says how to create the first admin.
            using (var fresh = new WebTestHost(root, signIn: false))
            {
                var page = await fresh.Http.GetStringAsync("/account/login");
                Assert.Contains("There is no account yet.", page);
                Assert.Contains("./scripts/run.sh users add --email you@example.com --role Admin", page);
            }

            var (code, output, _) = await RunAsync("users", "add", "--email", "first@sonicweb.test", "--role", "admin", "--name", "First");
            Assert.Equal(0, code);
            Assert.Contains("Created first@sonicweb.test (Admin).", output);
            var password = Regex.Match(output, @"shown once, not stored in clear\): (\S+)").Groups[1].Value;
            Assert.True(password.Length >= 16, output);

            var (again, _, errors) = await RunAsync("users", "add", "--email", "first@sonicweb.test", "--role", "Operator", "--password", "another-long-password");
            Assert.Equal(1, again);
            Assert.Contains("first@sonicweb.test", errors);
            var (badRole, _, roleErrors) = await RunAsync("users", "add", "--email", "x@sonicweb.test", "--role", "Owner", "--password", "another-long-password");
            Assert.Equal(1, badRole);
            Assert.Contains("Admin, Operator, Reviewer", roleErrors);

            // The host signs in with the printed password (it passes it as Admin:Password too, which is ignored: an admin exists).
            using var host = new WebTestHost(root, new() { ["Admin:Email"] = "first@sonicweb.test", ["Admin:Password"] = password });
            Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/admin/users")).StatusCode);
            Assert.DoesNotContain("There is no account yet.", await host.Anonymous().GetStringAsync("/account/login"));
            await Assert.ThrowsAsync<InvalidOperationException>(() => host.SignInAsync("first@sonicweb.test", "not-" + password));
        }
        finally { Environment.SetEnvironmentVariable("Storage__Root", previous); }
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, () => throw new InvalidOperationException("no pipeline needed"), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
