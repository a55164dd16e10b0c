using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Hubs;

/// <summary>GET /api/live-connection: what a browser cannot read from a refused WebSocket, said over HTTP.</summary>
public sealed class LiveConnectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAddressRefusedALiveConnectionIsToldWhyAndWhenToTryAgainAndOthersAreNot()
    {
        await using var app = new TsvLiveFactory().With("TsvLive:HubConnectionsPerMinute", "1");
        using var http = app.CreateHttpClient();
        var before = await http.GetFromJsonAsync<JsonElement>("/api/live-connection", Ct);
        Assert.True(before.GetProperty("live").GetBoolean());

        await using var first = await app.ConnectHubAsync(Ct);
        await Assert.ThrowsAnyAsync<Exception>(() => app.ConnectHubAsync(Ct));

        var refused = await http.GetAsync("/api/live-connection", Ct);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, Ct, "too-many-requests");
        Assert.StartsWith("Your network has opened 1 live connection to this server in the last minute", problem.GetProperty("detail").GetString());
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter > TimeSpan.Zero && retryAfter <= TimeSpan.FromMinutes(1), $"Retry-After {retryAfter}");

        using var other = OtherAddress.HttpClientFrom(IPAddress.Parse("127.0.0.2"), app.ServerAddress);
        Assert.True((await other.GetFromJsonAsync<JsonElement>("/api/live-connection", Ct)).GetProperty("live").GetBoolean());
    }
}
