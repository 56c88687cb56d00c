using System.Security.Claims;
using Bunit;
using SonicWeb.Accounts;
using SonicWeb.Components.Layout;

namespace SonicWeb.Tests.Web.Components;

/// <summary>The drawer offers each role the places its rules let it go (the same rules as the pages' and the API's policies).</summary>
public sealed class NavLinksTests : ComponentTestContext
{
    [Theory]
    [InlineData(Roles.Admin, "/|/batches/new|/history|/admin/users|/admin/presets|/admin/notifications|/admin/storage|/admin/backends|/admin/workers|/admin/webhooks|/admin/dead-letters|/account/settings")]
    [InlineData(Roles.Operator, "/|/batches/new|/history|/account/settings")]
    [InlineData(Roles.Reviewer, "/history|/account/settings")]
    public void Each_role_sees_the_links_it_may_follow(string role, string expected)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "someone"), new Claim(ClaimTypes.Role, role)], "test"));
        var cut = Render<NavLinks>(p => p.Add(n => n.User, user));
        var hrefs = cut.FindAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(expected.Split('|'), hrefs);
    }
}
