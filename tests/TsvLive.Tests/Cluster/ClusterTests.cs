using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Cluster;

/// <summary>
/// Two instances (real Kestrel servers) on one real redis-server behave as one service: what is made
/// through one is read, watched and replaced through the other.
/// </summary>
public sealed class ClusterTests : ClusterTestBase
{
    [Fact]
    public async Task ATableCreatedOnOneInstanceIsReadAndPagedOnTheOther()
    {
        var (a, b) = (Instance(), Instance());
        var created = await a.CreateTableAsync(Tsv.Numbered(250), Ct, "shared.tsv");

        using var http = b.CreateHttpClient();
        var info = await http.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct);
        Assert.Equal((1, 250, "shared.tsv"), (info!.Version, info.RowCount, info.Name));
        var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows?page=3&pageSize=100", Ct);
        Assert.Equal(["201", "row 201", "2010"], page!.Rows[0]);
        Assert.Equal(Tsv.Numbered(250), await http.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct));
    }

    [Fact]
    public async Task AForcedOrRereadSeparatorIsTheOneTheOtherInstanceReadsWith()
    {
        var (a, b) = (Instance(), Instance());
        using var onA = a.CreateHttpClient();
        using var onB = b.CreateHttpClient();
        // Detected, this file would be comma-separated: [a|b, c].
        var response = await onA.PostAsync("/api/tables?name=shared.txt&separator=pipe", new ByteArrayContent("a|b,c\n1|2,3\n"u8.ToArray()), Ct);
        var created = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(Ct))!;

        var forced = (await onB.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!;
        Assert.Equal("pipe", forced.Separator);
        Assert.Equal(["a", "b,c"], forced.Columns);

        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tables/{created.Id}/reread?separator=semicolon");
        request.Headers.Add("X-Edit-Key", created.EditKey);
        (await onA.SendAsync(request, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(2, (await WhenOnVersionAsync(b, created.Id, 2)).Version);
        var reread = (await onB.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!;
        Assert.Equal("semicolon", reread.Separator);
        Assert.Equal(["a|b,c"], reread.Columns);
    }

    [Fact]
    public async Task AFollowerOnAnotherInstanceFollowsThePresenterAndHearsItEnd()
    {
        var (a, b) = (Instance(), Instance());
        var table = await a.CreateTableAsync(Tsv.Numbered(500), Ct);
        var presenter = await ConnectAsync(a);
        var counts = new Recorded<int>();
        presenter.On<string, string, int>("FollowerCount", (_, _, count) => counts.Add(count));
        var started = await presenter.InvokeAsync<PresentationStarted>("Present", table.Id, Ct);
        await presenter.InvokeAsync("MovePresentation", table.Id, started.PresenterId, new RowsRequest(4, 50), Ct);
        var follower = await ConnectAsync(b);
        var moves = new Recorded<RowsRequest>();
        follower.On<string, string, RowsRequest>("PresenterMoved", (_, _, position) => moves.Add(position));
        var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        follower.On<string, string>("PresentationEnded", (_, presenterId) => ended.TrySetResult(presenterId));

        // The move reached Redis on its throttle's first (leading) send: followed from the other instance.
        await follower.InvokeAsync("Follow", table.Id, started.PresenterId, Ct);
        Assert.Equal((4L, 50), ((await moves.WaitForAsync(_ => true)).Page!.Value, moves.All.First().PageSize!.Value));
        await counts.WaitForAsync(c => c == 1);

        await presenter.InvokeAsync("MovePresentation", table.Id, started.PresenterId, new RowsRequest(7, 50), Ct);
        await moves.WaitForAsync(m => m.Page == 7);
        await presenter.InvokeAsync("StopPresenting", table.Id, started.PresenterId, Ct);
        Assert.Equal(started.PresenterId, await ended.Task.WaitAsync(Timeouts.Default, Ct));
        var late = await ConnectAsync(b);
        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => late.InvokeAsync("Follow", table.Id, started.PresenterId, Ct));
        Assert.Contains("presentation-not-found", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVersionsChunksLastForGoodWhileItIsKeptAndExpireOnceItIsNot()
    {
        var a = Instance().With("TsvLive:KeepVersions", "2");
        var created = await a.CreateTableAsync(Tsv.Numbered(20_000), Ct); // a few hundred KB: several chunks
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var database = redis.GetDatabase();
        var first = await ChunksAsync(database, created.Id);

        await ReplaceAsync(a, created, Tsv.Numbered(10, prefix: "new"));
        var second = await ChunksAsync(database, created.Id);
        Assert.True(first.Count > 1, $"{first.Count} chunk");
        // Chunks are written with an expiry (an upload that never commits leaves nothing lasting); the commit lifts it.
        // Version 1 is still kept (two versions): its chunks last too.
        foreach (var chunk in second.Concat(first))
        {
            Assert.Null(await database.KeyTimeToLiveAsync(chunk));
        }

        await ReplaceAsync(a, created, Tsv.Numbered(11, prefix: "newer"));
        // Version 1 is no longer kept: its chunks expire (instances still reading them finish); version 2's last.
        foreach (var chunk in first)
        {
            Assert.InRange(await database.KeyTimeToLiveAsync(chunk) ?? TimeSpan.MaxValue, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        }
        foreach (var chunk in second)
        {
            Assert.Null(await database.KeyTimeToLiveAsync(chunk));
        }
    }

    [Fact]
    public async Task ANewTableWhoseBytesAreAllInButStillBeingStoredIsNotTakenForDeletedByTheVersionCheck()
    {
        // The check runs every 100 ms (its shortest), so it looks several times while each version's chunks are written.
        var a = Instance().With("TsvLive:VersionCheckInterval", "00:00:00.100");
        using var http = a.CreateHttpClient();
        for (var i = 0; i < 5; i++)
        {
            var created = await a.CreateTableAsync(Tsv.Numbered(1_000_000), Ct); // about 28 MB: many chunks to write
            Assert.Equal(1_000_000, (await http.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!.RowCount);
        }
    }

    [Fact]
    public async Task ADeleteOnOneInstanceReachesTheWatchersOfTheOtherAndLeavesNothingInRedis()
    {
        var (a, b) = (Instance(), Instance());
        using var onA = a.CreateHttpClient();
        using var onB = b.CreateHttpClient();
        var created = await a.CreateTableAsync(Tsv.Numbered(20_000), Ct);
        await ReplaceAsync(a, created, Tsv.Numbered(300));
        await WhenOnVersionAsync(b, created.Id, 2);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var database = redis.GetDatabase();
        var older = (string)(await database.HashGetAsync($"tsvlive:table:{created.Id}", "older"))!;
        var firstChunks = System.Text.Json.JsonDocument.Parse(older).RootElement[0];
        var chunks = (await ChunksAsync(database, created.Id)).Concat(Enumerable.Range(0, firstChunks.GetProperty("chunks").GetInt32())
            .Select(n => (StackExchange.Redis.RedisKey)$"tsvlive:content:{firstChunks.GetProperty("content").GetString()}:{n}")).ToList();
        Assert.True(chunks.Count > 2);
        var watcher = await ConnectAsync(b);
        var deleted = new Recorded<string>();
        watcher.On<string>("TableDeleted", deleted.Add);
        await watcher.InvokeAsync<TableInfo>("Watch", created.Id, Ct);

        var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/tables/{created.Id}");
        request.Headers.Add("X-Edit-Key", created.EditKey);
        Assert.Equal(HttpStatusCode.NoContent, (await onA.SendAsync(request, Ct)).StatusCode);

        Assert.Equal(created.Id, await deleted.WaitForAsync(_ => true));
        await (await onB.GetAsync($"/api/tables/{created.Id}/rows", Ct)).AssertProblemAsync(HttpStatusCode.NotFound, Ct, code: "table-not-found");
        Assert.False(await database.KeyExistsAsync($"tsvlive:table:{created.Id}"));
        Assert.Equal(0, await database.KeyExistsAsync([.. chunks]));
    }

    [Fact]
    public async Task EveryInstanceServesEveryKeptVersionAndTheSameChanges()
    {
        var (a, b) = (Instance(), Instance());
        using var onA = a.CreateHttpClient();
        using var onB = b.CreateHttpClient();
        var created = await a.CreateTableAsync(Tsv.Numbered(300), Ct, name: "v1.tsv");
        var v2 = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(Tsv.Numbered(300)).Replace("\trow 7\t", "\trow seven\t", StringComparison.Ordinal));
        await ReplaceAsync(a, created, v2);
        await WhenOnVersionAsync(b, created.Id, 2);

        var versions = (await onB.GetFromJsonAsync<VersionInfo[]>($"/api/tables/{created.Id}/versions", Ct))!;
        Assert.Equal([(2, 300L), (1, 300L)], versions.Select(v => (v.Version, v.RowCount!.Value)));
        Assert.Equal(Tsv.Numbered(300), await onB.GetByteArrayAsync($"/api/tables/{created.Id}/file?version=1", Ct));
        var onBChanges = (await onB.GetFromJsonAsync<TableChangesPage>($"/api/tables/{created.Id}/changes", Ct))!;
        var onAChanges = (await onA.GetFromJsonAsync<TableChangesPage>($"/api/tables/{created.Id}/changes", Ct))!;
        Assert.Equal(("key:1", 0, 0, 1), (onBChanges.MatchedBy, onBChanges.Added, onBChanges.Removed, onBChanges.Changed));
        var row = Assert.Single(onBChanges.Rows);
        Assert.Equal((7L, 7L, "row seven", "row 7"), (row.RowNumber, row.OldRowNumber, row.Cells[1], row.OldCells![1]));
        Assert.Equal([2], row.ChangedColumns);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(onAChanges), System.Text.Json.JsonSerializer.Serialize(onBChanges));
    }

    private static async Task<List<StackExchange.Redis.RedisKey>> ChunksAsync(StackExchange.Redis.IDatabase database, string id)
    {
        var table = await database.HashGetAsync($"tsvlive:table:{id}", ["content", "chunks"]);
        return [.. Enumerable.Range(0, (int)table[1]).Select(n => (StackExchange.Redis.RedisKey)$"tsvlive:content:{table[0]}:{n}")];
    }

    [Fact]
    public async Task AHubUploadOnOneInstanceIsReadableOnTheOther()
    {
        var (a, b) = (Instance(), Instance());
        var uploader = await ConnectAsync(b);
        var created = await uploader.InvokeAsync<TableCreated>(
            "Upload", Tsv.Stream(Tsv.Chunks(Tsv.Numbered(500), 4096)), new { name = "hub.tsv" }, Ct).WithTimeout();

        var reader = await ConnectAsync(a);
        var page = await reader.InvokeAsync<TablePage>("GetPage", created.Id, 5L, 100, Ct).WithTimeout();
        Assert.Equal((500, "401"), (page.TotalRows, page.Rows[0][0]));
    }

    [Fact]
    public async Task AWatcherOnOneInstanceHearsOfAReplacementThroughTheOtherAndPagesTheNewRows()
    {
        var (a, b) = (Instance(), Instance());
        var created = await a.CreateTableAsync(Tsv.Numbered(10), Ct);
        var watcher = await ConnectAsync(b);
        var replaced = Recorded.From<TableInfo>(watcher, "TableReplaced");
        await watcher.InvokeAsync<TableInfo>("Watch", created.Id, Ct).WithTimeout();
        Assert.Equal(10, (await watcher.InvokeAsync<TablePage>("GetPage", created.Id, 1L, 100, Ct)).TotalRows);

        // (How soon is the load tool's figure, "cluster" in docs/benchmarks.md: well under a second.)
        await ReplaceAsync(a, created, Tsv.Numbered(30, prefix: "new"));
        var notice = await replaced.WaitForAsync(r => r.Id == created.Id && r.Version == 2, TimeSpan.FromSeconds(30));

        Assert.Equal(30, notice.RowCount);
        var page = await watcher.InvokeAsync<TablePage>("GetPage", created.Id, 1L, 100, Ct).WithTimeout();
        Assert.Equal((2, 30, "new 1"), (page.Version, page.TotalRows, page.Rows[0][1]));
    }

    [Fact]
    public async Task ViewerCountCountsTheWatchersOfEveryInstance()
    {
        var (a, b) = (Instance(), Instance());
        var created = await a.CreateTableAsync(Tsv.Numbered(3), Ct);
        var onA = await ConnectAsync(a);
        var countsOnA = Recorded.From<(string Id, int Count)>(onA, "ViewerCount");
        await onA.InvokeAsync<TableInfo>("Watch", created.Id, Ct).WithTimeout();
        await countsOnA.WaitForAsync(c => c == (created.Id, 1));

        var onB = await ConnectAsync(b);
        var countsOnB = Recorded.From<(string Id, int Count)>(onB, "ViewerCount");
        var alsoOnB = await ConnectAsync(b);
        await onB.InvokeAsync<TableInfo>("Watch", created.Id, Ct).WithTimeout();
        await alsoOnB.InvokeAsync<TableInfo>("Watch", created.Id, Ct).WithTimeout();

        await countsOnA.WaitForAsync(c => c == (created.Id, 3));
        await countsOnB.WaitForAsync(c => c == (created.Id, 3));
        await alsoOnB.StopAsync(Ct);
        await countsOnA.WaitForAsync(c => c == (created.Id, 2) && countsOnA.All.Contains((created.Id, 3)));
    }

    [Fact]
    public async Task ReplacementsFinishingTogetherOnTwoInstancesGetDistinctVersionsAndBothEndOnTheNewest()
    {
        var (a, b) = (Instance(), Instance());
        var created = await a.CreateTableAsync(Tsv.Numbered(10), Ct);
        using var onB = b.CreateHttpClient();
        await onB.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct); // B holds version 1 too

        for (var round = 0; round < 5; round++)
        {
            var results = await Task.WhenAll(
                ReplaceAsync(a, created, Tsv.Numbered(20 + round, prefix: "a")),
                ReplaceAsync(b, created, Tsv.Numbered(40 + round, prefix: "b")));

            var versions = results.Select(r => r.Version).Order().ToArray();
            Assert.Equal(2, versions.Distinct().Count());
            // The instance whose version lost hears of the newer one through Redis.
            var newest = results.MaxBy(r => r.Version)!;
            foreach (var instance in new[] { a, b })
            {
                Assert.Equal((newest.Version, newest.RowCount), await WhenOnVersionAsync(instance, created.Id, newest.Version));
            }
        }
        using var last = a.CreateHttpClient();
        Assert.Equal(11, (await last.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!.Version);
    }

    [Fact]
    public async Task ATableStillArrivingOnOneInstanceIsSaidToBeArrivingOnTheOtherAndOpensThereOnceStored()
    {
        var (a, b) = (Instance(), Instance());
        var uploader = await ConnectAsync(a);
        var progress = Recorded.From<(string Id, long Bytes, long Rows)>(uploader, "UploadProgress");
        var chunks = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        var upload = uploader.InvokeAsync<TableCreated>("Upload", chunks.Reader, new { name = "arriving.tsv" }, Ct);
        await chunks.Writer.WriteAsync(Tsv.Numbered(50), Ct);
        var id = (await progress.WaitForAsync(p => p.Bytes > 0)).Id;

        using var onB = b.CreateHttpClient();
        var problem = await Problem.AssertProblemAsync(await onB.GetAsync($"/api/tables/{id}", Ct), HttpStatusCode.Conflict, Ct, "table-arriving");
        Assert.Contains("still being uploaded", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var watcher = await ConnectAsync(b);
        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => watcher.InvokeAsync<TableInfo>("Watch", id, Ct).WithTimeout());
        Assert.Contains("HubException: table-arriving: ", refused.Message, StringComparison.Ordinal);

        chunks.Writer.Complete();
        await upload.WithTimeout();
        Assert.Equal(50, (await watcher.InvokeAsync<TableInfo>("Watch", id, Ct).WithTimeout()).RowCount);

        // A new table whose upload fails leaves no mark: it is simply not there.
        var failing = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        var failed = uploader.InvokeAsync<TableCreated>("Upload", failing.Reader, new { name = "cancelled.tsv" }, Ct);
        await failing.Writer.WriteAsync(Tsv.Numbered(5), Ct);
        var gone = (await progress.WaitForAsync(p => p.Bytes > 0 && p.Id != id)).Id;
        failing.Writer.Complete(new InvalidOperationException("cancelled by the test"));
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => failed.WithTimeout());
        await Problem.AssertProblemAsync(await onB.GetAsync($"/api/tables/{gone}", Ct), HttpStatusCode.NotFound, Ct, "table-not-found");
    }

    [Fact]
    public async Task AnInstanceWithASmallBudgetEvictsAndReadsTablesBackFromRedis()
    {
        var a = Instance();
        var b = Instance().With("TsvLive:MaxBytesInMemory", "400000").With("TsvLive:MaxBytesInMemoryShare", "1");
        var tables = new List<TableCreated>();
        for (var i = 0; i < 6; i++)
        {
            tables.Add(await a.CreateTableAsync(Tsv.Numbered(5_000, prefix: $"t{i}"), Ct)); // about 110 KB each
        }

        using var onB = b.CreateHttpClient();
        for (var round = 0; round < 2; round++)
        {
            foreach (var (table, i) in tables.Select((t, i) => (t, i)))
            {
                var page = await onB.GetFromJsonAsync<TablePage>($"/api/tables/{table.Id}/rows?page=50&pageSize=100", Ct);
                Assert.Equal($"t{i} 4901", page!.Rows[0][1]);
                Assert.True(b.Budget.Held <= 400_000, $"B holds {b.Budget.Held} bytes");
            }
        }
        Assert.True(b.Store.Count < tables.Count, $"B holds all {b.Store.Count} tables: nothing was evicted");
    }

    [Fact]
    public async Task ATableNobodyViewsExpiresOnEveryInstanceAndAViewedOneStays()
    {
        var (a, b) = (Instance(), Instance());
        foreach (var instance in new[] { a, b })
        {
            instance.With("TsvLive:ExpireAfter", "00:00:02");
        }
        var forgotten = await a.CreateTableAsync(Tsv.Numbered(5), Ct, "forgotten.tsv");
        var used = await a.CreateTableAsync(Tsv.Numbered(5), Ct, "used.tsv");
        using var onB = b.CreateHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync($"/api/tables/{forgotten.Id}", Ct)).StatusCode); // B holds it too

        var until = Stopwatch.StartNew();
        while (until.Elapsed < TimeSpan.FromSeconds(5))
        {
            Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync($"/api/tables/{used.Id}/rows", Ct)).StatusCode);
            await Task.Delay(250, Ct);
        }

        using var onA = a.CreateHttpClient();
        Assert.Equal(HttpStatusCode.NotFound, (await onA.GetAsync($"/api/tables/{forgotten.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await onB.GetAsync($"/api/tables/{forgotten.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await onA.GetAsync($"/api/tables/{used.Id}", Ct)).StatusCode);
    }

    /// <summary>The version and rows an instance serves, once it serves <paramref name="version"/> (or after a generous deadline).</summary>
    private static async Task<(int Version, long Rows)> WhenOnVersionAsync(TsvLiveFactory instance, string id, int version)
    {
        using var http = instance.CreateHttpClient();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var info = (await http.GetFromJsonAsync<TableInfo>($"/api/tables/{id}", Ct))!;
            if (info.Version == version || deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                return (info.Version, info.RowCount);
            }
            await Task.Delay(20, Ct);
        }
    }

    [Fact]
    public async Task AKilledInstancesViewersLeaveTheCountWithinSeconds()
    {
        var stays = Instance();
        var killed = await AppProcess.StartAsync("", Ct, settings: new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = Redis.ConnectionString,
            ["TsvLive__NotificationInterval"] = "00:00:00.050",
        });
        Started(killed);
        var created = await stays.CreateTableAsync(Tsv.Numbered(3), Ct);
        var watcher = await ConnectAsync(stays);
        var counts = Recorded.From<(string Id, int Count)>(watcher, "ViewerCount");
        await watcher.InvokeAsync<TableInfo>("Watch", created.Id, Ct).WithTimeout();
        for (var i = 0; i < 2; i++)
        {
            var doomed = Started(new HubConnectionBuilder().WithUrl(new Uri(killed.Address, "/hubs/tables")).Build());
            await doomed.StartAsync(Ct).WithTimeout();
            await doomed.InvokeAsync<TableInfo>("Watch", created.Id, Ct).WithTimeout();
        }
        await counts.WaitForAsync(c => c == (created.Id, 3));

        var killedAt = Stopwatch.StartNew();
        await killed.KillAsync();

        await counts.WaitForAsync(c => c == (created.Id, 1), TimeSpan.FromSeconds(15));
        Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(10), $"The count fell after {killedAt.Elapsed.TotalSeconds:0.0} s");
    }
}
