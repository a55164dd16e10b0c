using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using TsvLive.Tables.Memory;
using TsvLive.Tables.Views;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Views;

/// <summary>What views cache lives within the memory budget and gives way to tables.</summary>
public sealed class ViewCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CachedViewsGiveWayToAnUploadInsteadOfMakingItFail()
    {
        await using var app = new TsvLiveFactory().With("TsvLive:MaxBytesInMemory", "3000000").With("TsvLive:MaxBytesInMemoryShare", "1");
        var first = await app.CreateTableAsync(Tsv.Numbered(40_000), Ct);
        using var http = app.CreateHttpClient();
        foreach (var sort in new[] { "3:desc", "1", "2" })
        {
            (await http.GetAsync($"/api/tables/{first.Id}/rows?sort={sort}", Ct)).EnsureSuccessStatusCode();
        }
        var cache = app.Services.GetRequiredService<ViewCache>();
        var cached = cache.HeldBytes;
        Assert.True(cached > 1_000_000, $"{cached} bytes cached");
        Assert.True(app.Budget.Held > 2_000_000, $"{app.Budget.Held} bytes held");

        // A table that fits only if the caches go (memory only: no table can be evicted).
        var response = await http.PostAsync("/api/tables", new ByteArrayContent(Tsv.Numbered(60_000, prefix: "second")), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(cache.HeldBytes < cached, $"still {cache.HeldBytes} bytes cached");
        Assert.True(app.Budget.Held <= 3_000_000);
        // The first table's views are computed again when asked for.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/tables/{first.Id}/rows?sort=2", Ct)).StatusCode);
    }

    [Fact]
    public async Task AReplacementDropsTheCachesOfTheVersionItReplaces()
    {
        await using var app = new TsvLiveFactory();
        var table = await app.CreateTableAsync(Tsv.Numbered(5_000), Ct);
        using var http = app.CreateHttpClient();
        (await http.GetAsync($"/api/tables/{table.Id}/rows?sort=3:desc&filter=2:contains:9", Ct)).EnsureSuccessStatusCode();
        var cache = app.Services.GetRequiredService<ViewCache>();
        var before = cache.HeldBytes;
        Assert.True(before > 5_000 * 8, $"{before} bytes cached");

        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{table.Id}") { Content = new ByteArrayContent(Tsv.Numbered(10)) };
        put.Headers.Add("X-Edit-Key", table.EditKey);
        (await http.SendAsync(put, Ct)).EnsureSuccessStatusCode();
        (await http.GetAsync($"/api/tables/{table.Id}/rows?sort=3:desc", Ct)).EnsureSuccessStatusCode();

        Assert.True(cache.HeldBytes < 1_000, $"{cache.HeldBytes} bytes still cached after the replacement");
    }

    [Fact]
    public async Task WhenTheAskerComputingAnEntryGivesUpAnotherWaitingForItComputesItItself()
    {
        await using var app = new TsvLiveFactory();
        var cache = CacheOfEveryVersion(app);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var leaves = new CancellationTokenSource();
        var first = Task.Run(() => cache.GetOrAdd("table", 1, "view", () =>
        {
            started.SetResult();
            release.Task.Wait(Ct);
            leaves.Token.ThrowIfCancellationRequested();
            return new[] { 1 };
        }, _ => 4, leaves.Token), Ct);
        await started.Task.WithTimeout();
        var second = Task.Run(() => cache.GetOrAdd("table", 1, "view", () => new[] { 2 }, _ => 4, Ct), Ct);
        await Task.Delay(200, Ct); // the second asker waits for the first one's computation

        await leaves.CancelAsync();
        release.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WithTimeout());
        Assert.Equal(2, (await second.WithTimeout())[0]);
        Assert.Equal(2, cache.GetOrAdd("table", 1, "view", () => new[] { 3 }, _ => 4, Ct)[0]);
    }

    [Fact]
    public async Task AFullCacheMakesRoomForANewEntryByDroppingItsLeastRecentlyUsedOne()
    {
        // Caches may hold one address's share: half of 3 MB. Entries of 600 KB: two fit, a third does not.
        await using var app = new TsvLiveFactory().With("TsvLive:MaxBytesInMemory", "3000000").With("TsvLive:MaxBytesInMemoryShare", "0.5");
        var cache = CacheOfEveryVersion(app);
        var computed = new List<string>();
        int[] Entry(string key) => cache.GetOrAdd("table", 1, key, () =>
        {
            computed.Add(key);
            return new int[1];
        }, _ => 600_000, Ct);

        Entry("first");
        Entry("second");
        Entry("first"); // used again: "second" is now the least recently used
        Entry("third");
        Entry("third");
        Entry("first");
        Entry("second");

        // "third" was kept (computed once) by dropping "second", which is computed again when asked for.
        Assert.Equal(["first", "second", "third", "second"], computed);
        Assert.True(cache.HeldBytes <= 1_500_000, $"{cache.HeldBytes} bytes cached");
    }

    [Fact]
    public async Task ATextToFindInEitherCaseIsComputedOnceAndItsFindingIsCached()
    {
        await using var app = new TsvLiveFactory();
        var table = await app.CreateTableAsync(Tsv.Numbered(2_000), Ct);
        using var http = app.CreateHttpClient();
        var cache = app.Services.GetRequiredService<ViewCache>();

        var lower = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/tables/{table.Id}/rows?q=row 1", Ct);

        var upper = ViewRequest.Parse(null, null, "ROW 1", [global::TsvLive.Tables.Columns.ColumnType.Integer, global::TsvLive.Tables.Columns.ColumnType.Text, global::TsvLive.Tables.Columns.ColumnType.Integer]);
        Assert.True(cache.Holds(table.Id, 1, $"{upper.SelectionKey}@2000"), "'ROW 1' is computed again after 'row 1'");
        var again = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/tables/{table.Id}/rows?q=ROW%201", Ct);
        Assert.Equal(lower.GetProperty("totalRows").GetInt64(), again.GetProperty("totalRows").GetInt64());
        Assert.Equal("ROW 1", again.GetProperty("view").GetProperty("q").GetString());
    }

    [Fact]
    public async Task OneClientsViewsTakeAtMostAQuarterOfTheCacheAndMakeRoomFromTheirOwn()
    {
        // Caches may hold 1.5 MB (half of 3 MB): one client's views 375 KB of it. Views of 200 KB.
        await using var app = new TsvLiveFactory().With("TsvLive:MaxBytesInMemory", "3000000").With("TsvLive:MaxBytesInMemoryShare", "0.5");
        var cache = CacheOfEveryVersion(app);
        var computed = new List<string>();
        int[] View(string key, string client) => cache.GetOrAdd("table", 1, key, () =>
        {
            computed.Add(key);
            return new int[1];
        }, _ => 200_000, Ct, client);

        View("a1", "flooder");
        View("a2", "flooder"); // over the flooder's share: its own oldest, a1, makes room
        View("b1", "someone else");
        View("a3", "flooder"); // again from its own: a2 goes, b1 stays
        View("b1", "someone else");
        View("a1", "flooder");

        Assert.Equal(["a1", "a2", "b1", "a3", "a1"], computed);
    }

    [Fact]
    public async Task AnEntryComputedForAVersionNoLongerInMemoryIsAnsweredButNotKept()
    {
        await using var app = new TsvLiveFactory();
        var held = new HashSet<(string, int)> { ("kept", 1) };
        var cache = new ViewCache(app.Budget, app.Services.GetRequiredService<TsvLive.Operations.TsvLiveMetrics>(), (id, version) => held.Contains((id, version)));
        var computed = 0;
        int[] Compute()
        {
            computed++;
            return [computed];
        }

        Assert.Equal(1, cache.GetOrAdd("gone", 1, "view", Compute, _ => 4, Ct)[0]);
        Assert.Equal(2, cache.GetOrAdd("gone", 1, "view", Compute, _ => 4, Ct)[0]);
        Assert.Equal(3, cache.GetOrAdd("kept", 1, "view", Compute, _ => 4, Ct)[0]);
        Assert.Equal(3, cache.GetOrAdd("kept", 1, "view", Compute, _ => 4, Ct)[0]);

        Assert.Equal([("kept", 1)], cache.Kept());
        Assert.Equal(4, cache.HeldBytes);
    }

    /// <summary>A cache of its own (not the app's, which keeps only versions of tables held in memory) for made-up tables.</summary>
    private static ViewCache CacheOfEveryVersion(TsvLiveFactory app) =>
        new(app.Budget, app.Services.GetRequiredService<TsvLive.Operations.TsvLiveMetrics>(), (_, _) => true);
}
