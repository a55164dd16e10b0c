using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Security;

/// <summary>
/// Crowds behind one address (an office, a school, a conference Wi-Fi) get in with the production
/// defaults, while one address still holds only a small share, and an IPv6 line counts as one client.
/// </summary>
public sealed class CrowdTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeHundredColleaguesBehindOneAddressAllGetInAndStayConnected()
    {
        await using var app = new TsvLiveFactory().WithProductionLimits();
        var created = await app.CreateTableAsync(Tsv.Numbered(500), Ct);
        var office = IPAddress.Parse("127.0.0.2");
        var colleagues = new List<HubConnection>();
        var replaced = 0;
        try
        {
            // Within a few seconds, as people do when the link is posted in the team's chat.
            for (var batch = 0; batch < 6; batch++)
            {
                colleagues.AddRange(await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
                {
                    var hub = await LoadTool.Hub.ConnectAsync(app.ServerAddress, messagePack: true, Ct, from: office);
                    hub.On<TableInfo>("TableReplaced", _ => Interlocked.Increment(ref replaced));
                    await hub.InvokeAsync<TableInfo>("Watch", created.Id, Ct);
                    var page = await hub.InvokeAsync<TablePage>("GetRows", created.Id, new RowsRequest(1, 100), Ct);
                    Assert.Equal(100, page.Rows.Count);
                    return hub;
                })).WithTimeout(TimeSpan.FromSeconds(60)));
            }

            using var http = app.CreateHttpClient();
            var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{created.Id}") { Content = new ByteArrayContent(Tsv.Numbered(20)) };
            put.Headers.Add("X-Edit-Key", created.EditKey);
            (await http.SendAsync(put, Ct)).EnsureSuccessStatusCode();
            using var expired = new CancellationTokenSource(Timeouts.Default);
            while (Volatile.Read(ref replaced) < colleagues.Count)
            {
                await Task.Delay(50, expired.Token);
            }

            Assert.Equal(300, colleagues.Count(c => c.State == HubConnectionState.Connected));
            // Everyone reloads page 1 of the new version at once: served in turn, none refused.
            await Task.WhenAll(colleagues.Select(c => c.InvokeAsync<TablePage>("GetRows", created.Id, new RowsRequest(1, 100), Ct))).WithTimeout(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await Task.WhenAll(colleagues.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task OneAddressHoldsAtMostATwentiethOfTheServersConnections()
    {
        await using var app = new TsvLiveFactory().WithProductionLimits().With("TsvLive:MaxConnections", "400");
        var flood = IPAddress.Parse("127.0.0.3");
        var held = new List<System.Net.Sockets.Socket>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var socket = await OtherAddress.ConnectAsync(flood, app.ServerAddress, Ct);
                held.Add(socket);
                Assert.False(await OtherAddress.IsClosedByServerAsync(socket, TimeSpan.FromMilliseconds(50)), $"connection {i + 1} of 20 was closed");
            }
            var oneTooMany = await OtherAddress.ConnectAsync(flood, app.ServerAddress, Ct);
            held.Add(oneTooMany);

            Assert.True(await OtherAddress.IsClosedByServerAsync(oneTooMany, TimeSpan.FromSeconds(5)), "the 21st connection of one address stayed open");
            using var someoneElse = OtherAddress.HttpClientFrom(IPAddress.Parse("127.0.0.4"), app.ServerAddress);
            Assert.Equal(HttpStatusCode.OK, (await someoneElse.GetAsync("/healthz", Ct)).StatusCode);
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task TheAddressesOfOneIPv6NetworkAndAMappedIPv4AddressCountAsOneClient()
    {
        await using var app = new TsvLiveFactory().WithProductionLimits()
            .With("TsvLive:KnownProxies:0", "127.0.0.1").With("TsvLive:HubConnectionsPerMinute", "10");
        using var proxy = app.CreateHttpClient();

        // Ten addresses of one /64 use up its bucket; the eleventh is refused; another /64 is not.
        for (var i = 1; i <= 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await NegotiateAsync(proxy, $"2001:db8:1:2::{i:x}")).StatusCode);
        }
        await (await NegotiateAsync(proxy, "2001:db8:1:2:ffff::1")).AssertProblemAsync(HttpStatusCode.TooManyRequests, Ct, "too-many-requests");
        Assert.Equal(HttpStatusCode.OK, (await NegotiateAsync(proxy, "2001:db8:1:3::1")).StatusCode);

        // An IPv4 address written as IPv4-mapped IPv6 is the same client.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await NegotiateAsync(proxy, "::ffff:198.51.100.7")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await NegotiateAsync(proxy, "198.51.100.7")).StatusCode);
        }
        await (await NegotiateAsync(proxy, "198.51.100.7")).AssertProblemAsync(HttpStatusCode.TooManyRequests, Ct, "too-many-requests");
    }

    private static Task<HttpResponseMessage> NegotiateAsync(HttpClient http, string forwardedFor) => HubNegotiation.SendAsync(http, Ct, forwardedFor: forwardedFor);
}
