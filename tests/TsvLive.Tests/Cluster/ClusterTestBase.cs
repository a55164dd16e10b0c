using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Cluster;

/// <summary>
/// A real redis-server of the test's own (started on a free loopback port, stopped by PID) and
/// instances of the app on it (real Kestrel servers in this process), all stopped after the test.
/// </summary>
public abstract class ClusterTestBase : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _started = [];

    protected RedisServer Redis { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => Redis = await RedisServer.StartAsync(Ct);

    /// <summary>An instance on the test's Redis (or, through a relay, on another port).</summary>
    protected TsvLiveFactory Instance(int? redisPort = null)
    {
        var instance = new TsvLiveFactory()
            .With("ConnectionStrings:Redis", $"127.0.0.1:{redisPort ?? Redis.Port}")
            .With("TsvLive:VersionCheckInterval", "00:00:01");
        return Started(instance);
    }

    /// <summary>Stopped (disposed) after the test, the last started first.</summary>
    protected T Started<T>(T started) where T : IAsyncDisposable
    {
        _started.Add(started);
        return started;
    }

    protected async Task<HubConnection> ConnectAsync(TsvLiveFactory instance) => Started(await instance.ConnectHubAsync(Ct));

    protected static Task<HttpResponseMessage> SendReplacementAsync(HttpClient http, TableCreated table, byte[] bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{table.Id}") { Content = new ByteArrayContent(bytes) };
        request.Headers.Add("X-Edit-Key", table.EditKey);
        return http.SendAsync(request, Ct);
    }

    protected static async Task<TableInfo> ReplaceAsync(TsvLiveFactory instance, TableCreated table, byte[] bytes)
    {
        using var http = instance.CreateHttpClient();
        var response = await SendReplacementAsync(http, table, bytes);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TableInfo>(Ct))!;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].DisposeAsync();
        }
        await Redis.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
