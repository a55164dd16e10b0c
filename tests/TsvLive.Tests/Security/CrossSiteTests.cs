using System.Net;
using System.Net.WebSockets;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Security;

public class CrossSiteTests(CrossSiteTests.Factory factory) : IClassFixture<CrossSiteTests.Factory>
{
    public sealed class Factory : TsvLiveFactory
    {
        public Factory() => With("TsvLive:AllowedOrigins:0", "https://intranet.example.com");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AWebSocketFromAnotherSiteIsRefused()
    {
        var e = await Assert.ThrowsAsync<WebSocketException>(() => RawHubSocket.ConnectAsync(factory.ServerAddress, Ct, origin: "https://evil.example"));

        Assert.Contains("403", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NegotiatingFromAnotherSiteIsRefusedWithAProblem()
    {
        using var http = factory.CreateHttpClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/tables/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", "https://evil.example");

        var response = await http.SendAsync(request, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, Ct);
        Assert.Equal("Cross-site connection refused", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task ForwardedHeadersFromAClientThatIsNoKnownProxyAreIgnored()
    {
        using var http = factory.CreateHttpClient();
        var host = factory.ServerAddress.Authority;
        var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/tables/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", $"https://{host}");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");

        // No TsvLive:KnownProxies by default: the request stays http, so an https origin is another site.
        await (await http.SendAsync(request, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden, Ct, "cross-site-refused");
    }

    [Fact]
    public async Task TheAppsOwnPagesAndConfiguredOriginsMayConnect()
    {
        var own = factory.ServerAddress.GetLeftPart(UriPartial.Authority);

        using var sameSite = await RawHubSocket.ConnectAsync(factory.ServerAddress, Ct, origin: own);
        using var configured = await RawHubSocket.ConnectAsync(factory.ServerAddress, Ct, origin: "https://intranet.example.com");

        Assert.Contains("no table with id", await sameSite.InvokeAsync("Watch", "AAAAAAAAAAAAAAAAAAAAAA", Ct), StringComparison.Ordinal);
        Assert.Contains("no table with id", await configured.InvokeAsync("Watch", "AAAAAAAAAAAAAAAAAAAAAA", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PagesCarryTheSecurityHeaders()
    {
        using var http = factory.CreateHttpClient();

        var response = await http.GetAsync("/", Ct);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task RobotsAreKeptOffTablesAndTheApi()
    {
        using var http = factory.CreateHttpClient();

        var robots = await http.GetStringAsync("/robots.txt", Ct);

        Assert.Contains("Disallow: /t/", robots, StringComparison.Ordinal);
        Assert.Contains("Disallow: /api/", robots, StringComparison.Ordinal);
    }
}
