using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Cluster;

/// <summary>
/// Redis stopped and started again, and one instance cut off from Redis for a while: uploads are
/// refused clearly, tables held keep being served, nothing is lost, and everything resumes without
/// a restart, with viewers converging on the newest version.
/// </summary>
public sealed class RedisOutageTests : ClusterTestBase
{
    [Fact]
    public async Task WhileRedisIsDownUploadsAreRefusedAndHeldTablesServedAndAfterwardsAllResumesWithNothingLost()
    {
        var (a, b) = (Instance(), Instance());
        var held = await a.CreateTableAsync(Tsv.Numbered(120), Ct, "held.tsv");
        var notHeld = await a.CreateTableAsync(Tsv.Numbered(7), Ct, "stored.tsv");
        var watcher = await ConnectAsync(b);
        var replaced = Recorded.From<TableInfo>(watcher, "TableReplaced");
        await watcher.InvokeAsync<TableInfo>("Watch", held.Id, Ct).WithTimeout();

        await Redis.StopAsync();

        using var onA = a.CreateHttpClient();
        using var onB = b.CreateHttpClient();
        await Problem.AssertProblemAsync(await WhenNotReadyAsync(onA), HttpStatusCode.ServiceUnavailable, Ct, "not-ready");
        await Problem.AssertProblemAsync(await WhenNotReadyAsync(onB), HttpStatusCode.ServiceUnavailable, Ct, "not-ready");
        await Problem.AssertProblemAsync(await onA.PostAsync("/api/tables", new ByteArrayContent(Tsv.Numbered(3)), Ct),
            HttpStatusCode.ServiceUnavailable, Ct, "storage-unavailable");
        await Problem.AssertProblemAsync(await SendReplacementAsync(onA, held, Tsv.Numbered(5)), HttpStatusCode.ServiceUnavailable, Ct, "storage-unavailable");
        var refused = await Assert.ThrowsAsync<HubException>(() => watcher.InvokeAsync<TableInfo>(
            "Upload", Tsv.Stream(Tsv.Chunks(Tsv.Numbered(3), 100)), new { name = "new.tsv" }, Ct).WithTimeout());
        Assert.Contains("HubException: storage-unavailable: ", refused.Message, StringComparison.Ordinal);
        // What each instance holds is served to its viewers, old and new.
        Assert.Equal("row 101", (await watcher.InvokeAsync<TablePage>("GetPage", held.Id, 2L, 100, Ct).WithTimeout()).Rows[0][1]);
        // A viewer who opens a held table during the outage (on A, where nobody watched it yet) is served too.
        var newcomer = await ConnectAsync(a);
        var newcomerHeard = Recorded.From<TableInfo>(newcomer, "TableReplaced");
        Assert.Equal(120, (await newcomer.InvokeAsync<TableInfo>("Watch", held.Id, Ct).WithTimeout()).RowCount);
        Assert.Equal(120, (await onA.GetFromJsonAsync<TableInfo>($"/api/tables/{held.Id}", Ct))!.RowCount);
        // A table this instance does not hold cannot be read now, and is not called missing.
        await Problem.AssertProblemAsync(await onB.GetAsync($"/api/tables/{notHeld.Id}", Ct), HttpStatusCode.ServiceUnavailable, Ct, "storage-unavailable");

        await Redis.StartAgainAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, (await WhenReadyAsync(onA)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await WhenReadyAsync(onB)).StatusCode);
        // Nothing was lost (append-only file): B reads the table it never held.
        Assert.Equal(Tsv.Numbered(7), await onB.GetByteArrayAsync($"/api/tables/{notHeld.Id}/file", Ct));
        // And everything works again: a replacement through A reaches the watcher on B.
        Assert.Equal(HttpStatusCode.OK, (await SendReplacementAsync(onA, held, Tsv.Numbered(9, prefix: "after"))).StatusCode);
        await replaced.WaitForAsync(r => r.Id == held.Id && r.Version == 2);
        await newcomerHeard.WaitForAsync(r => r.Id == held.Id && r.Version == 2);
        Assert.Equal("after 1", (await watcher.InvokeAsync<TablePage>("GetPage", held.Id, 1L, 100, Ct).WithTimeout()).Rows[0][1]);
        Assert.Equal(HttpStatusCode.Created, (await onB.PostAsync("/api/tables", new ByteArrayContent(Tsv.Numbered(3)), Ct)).StatusCode);
    }

    [Fact]
    public async Task AnInstanceCutOffFromRedisCatchesUpOnTheReplacementItMissedAndTellsItsWatchers()
    {
        await using var relay = new TcpRelay(Redis.Port);
        var (a, b) = (Instance(), Instance(relay.Port));
        var created = await a.CreateTableAsync(Tsv.Numbered(10), Ct);
        var watcher = await ConnectAsync(b);
        var replaced = Recorded.From<TableInfo>(watcher, "TableReplaced");
        await watcher.InvokeAsync<TableInfo>("Watch", created.Id, Ct).WithTimeout();
        // A watcher on A, which Redis still reaches: once it hears of the replacement, so would B if it could.
        var onAWatcher = await ConnectAsync(a);
        var heardOnA = Recorded.From<TableInfo>(onAWatcher, "TableReplaced");
        await onAWatcher.InvokeAsync<TableInfo>("Watch", created.Id, Ct).WithTimeout();
        using var onB = b.CreateHttpClient();

        relay.Cut();
        await WhenNotReadyAsync(onB);
        using var onA = a.CreateHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await SendReplacementAsync(onA, created, Tsv.Numbered(20, prefix: "missed"))).StatusCode);
        await heardOnA.WaitForAsync(r => r.Id == created.Id && r.Version == 2, TimeSpan.FromSeconds(30));
        // B heard nothing and serves what it holds (the page answer comes after any notice sent before it).
        Assert.Equal((1, 10), await PageOnAsync(watcher, created.Id));
        Assert.Empty(replaced.All);

        relay.Restore();

        var notice = await replaced.WaitForAsync(r => r.Id == created.Id && r.Version == 2, TimeSpan.FromSeconds(30));
        Assert.Equal(20, notice.RowCount);
        Assert.Equal((2, 20), await PageOnAsync(watcher, created.Id));
    }

    private static async Task<(int Version, long Rows)> PageOnAsync(HubConnection connection, string id)
    {
        var page = await connection.InvokeAsync<TablePage>("GetPage", id, 1L, 100, Ct).WithTimeout();
        return (page.Version, page.TotalRows);
    }

    private static Task<HttpResponseMessage> WhenNotReadyAsync(HttpClient http) => PollReadyzAsync(http, ready: false);

    private static Task<HttpResponseMessage> WhenReadyAsync(HttpClient http) => PollReadyzAsync(http, ready: true);

    /// <summary>/readyz once it says what is expected (an instance notices a lost or restored Redis within seconds).</summary>
    private static async Task<HttpResponseMessage> PollReadyzAsync(HttpClient http, bool ready)
    {
        using var expired = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        expired.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var response = await http.GetAsync("/readyz", expired.Token);
            if (response.IsSuccessStatusCode == ready)
            {
                return response;
            }
            await Task.Delay(100, expired.Token);
        }
    }
}
