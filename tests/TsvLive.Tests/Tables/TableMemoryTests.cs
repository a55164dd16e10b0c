using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TsvLive.Api;
using TsvLive.Tables.Registry;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

/// <summary>
/// Every path that changes what a version holds in memory, all at once and in random order (creating,
/// replacing, views and their caches, cancelled uploads and views, eviction, reading back from the data
/// directory, catching up on a version another instance stored, expiry, older versions read back and
/// compared, rows appended): afterwards the budget holds exactly what the tables in memory (current and older versions)
/// and the caches hold, and no cache is kept for a version that is not in memory.
/// </summary>
public sealed class TableMemoryTests : IDisposable
{
    private const int Operations = 240;
    private const int Workers = 6;

    private readonly TemporaryDirectory _directory = new("tsvlive-memory-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AfterEveryPathRunsAtOnceTheBudgetHoldsExactlyWhatTheTablesAndCachesHold()
    {
        // A budget of about twelve of the tables below, so eviction and reading back happen all along.
        await using var app = new TsvLiveFactory()
            .With("TsvLive:DataDirectory", _directory.Path)
            .With("TsvLive:MaxBytesInMemory", "1500000")
            .With("TsvLive:MaxBytesInMemoryShare", "1");
        // Another instance on the same directory stores newer versions of some tables: this one catches up on them.
        await using var other = new TsvLiveFactory().With("TsvLive:DataDirectory", _directory.Path);
        using var http = app.CreateHttpClient();
        using var otherHttp = other.CreateHttpClient();
        var tables = new ConcurrentBag<TableCreated>();
        var theirs = new ConcurrentBag<TableCreated>();
        for (var i = 0; i < 6; i++)
        {
            tables.Add(await app.CreateTableAsync(Tsv.Numbered(3000 + i), Ct));
            theirs.Add(await app.CreateTableAsync(Tsv.Numbered(1000 + i), Ct));
        }
        var store = app.Services.GetRequiredService<TableStore>();
        var expiry = app.Services.GetServices<IHostedService>().OfType<TableExpiry>().Single();
        var done = new ConcurrentDictionary<string, int>();

        async Task RunAsync(int seed)
        {
            var random = new Random(seed);
            for (var n = 0; n < Operations / Workers; n++)
            {
                var table = tables.ElementAt(random.Next(tables.Count));
                var what = random.Next(11);
                done.AddOrUpdate(what.ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, c) => c + 1);
                switch (what)
                {
                    case 0:
                        // (Refused while uploads and replacements hold the memory: nothing to evict then.)
                        var post = new HttpRequestMessage(HttpMethod.Post, "/api/tables") { Content = new ByteArrayContent(Tsv.Numbered(random.Next(500, 6000))) };
                        if (await SendAsync(http, post) is { } created)
                        {
                            tables.Add((await created.Content.ReadFromJsonAsync<TableCreated>(Ct))!);
                        }
                        break;
                    case 1:
                        await SendAsync(http, Replace(table, Tsv.Numbered(random.Next(500, 6000))));
                        break;
                    case 2 or 3:
                        // A view (its sort and filter are cached), sometimes given up before it answers.
                        using (var giveUp = CancellationTokenSource.CreateLinkedTokenSource(Ct))
                        {
                            if (random.Next(2) == 0)
                            {
                                giveUp.CancelAfter(random.Next(0, 5));
                            }
                            await SendAsync(http, new HttpRequestMessage(HttpMethod.Get,
                                $"/api/tables/{table.Id}/rows?sort={random.Next(1, 4)}:desc&filter=2:contains:{random.Next(10)}&page=2"), giveUp.Token);
                        }
                        break;
                    case 4:
                        // An upload cut off half way.
                        using (var cut = CancellationTokenSource.CreateLinkedTokenSource(Ct))
                        {
                            var request = new HttpRequestMessage(HttpMethod.Post, "/api/tables") { Content = new HalfThenStall(Tsv.Numbered(4000), cut) };
                            await SendAsync(http, request, cut.Token);
                        }
                        break;
                    case 5:
                        // Out of memory by another path (as a deletion elsewhere would), then read back on the next look.
                        if (app.Memory.Find(table.Id) is { IsReplacing: false } held)
                        {
                            app.Memory.Drop(held);
                        }
                        await SendAsync(http, new HttpRequestMessage(HttpMethod.Get, $"/api/tables/{table.Id}/rows?sort=2"));
                        break;
                    case 6:
                        // The other instance stores a newer version; this one hears of it and catches up.
                        var mine = theirs.ElementAt(random.Next(theirs.Count));
                        if (await SendAsync(otherHttp, Replace(mine, Tsv.Numbered(random.Next(500, 3000), prefix: "theirs"))) is { } replaced)
                        {
                            var info = await replaced.Content.ReadFromJsonAsync<TableInfo>(Ct);
                            store.VersionStored(mine.Id, info!.Version);
                        }
                        await SendAsync(http, new HttpRequestMessage(HttpMethod.Get, $"/api/tables/{mine.Id}/rows?sort=3"));
                        break;
                    case 7:
                        await SendAsync(http, new HttpRequestMessage(HttpMethod.Get, $"/api/tables/{table.Id}/columns/{random.Next(1, 4)}"));
                        break;
                    case 10:
                        // Rows appended to the current version (its memory grows in place).
                        var rows = string.Concat(Enumerable.Range(0, random.Next(1, 200)).Select(i => $"{i}\tappended {i}\t{i}\n"));
                        var append = new HttpRequestMessage(HttpMethod.Post, $"/api/tables/{table.Id}/rows") { Content = new StringContent(rows) };
                        append.Headers.Add("X-Edit-Key", table.EditKey);
                        await SendAsync(http, append);
                        break;
                    case 9:
                        // An older version read back, or the changes since it computed (both read it in).
                        var older = random.Next(1, 4);
                        await SendAsync(http, new HttpRequestMessage(HttpMethod.Get, random.Next(2) == 0
                            ? $"/api/tables/{table.Id}/rows?version={older}&page=3"
                            : $"/api/tables/{table.Id}/changes?from={older}"));
                        break;
                    case 8:
                        // Tables nobody looked at for a moment expire (from memory and from the directory).
                        await expiry.SweepAsync(TimeSpan.FromMilliseconds(300), Ct);
                        break;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(seed => Task.Run(() => RunAsync(seed), Ct))).WithTimeout(TimeSpan.FromMinutes(3));
        // Last, tables with cached views leave memory for good (deleted on another instance): their caches go with them.
        var cached = new List<string>();
        foreach (var table in tables)
        {
            if (cached.Count < 3 && await SendAsync(http, new HttpRequestMessage(HttpMethod.Get, $"/api/tables/{table.Id}/rows?sort=3:desc"), Ct) is not null
                && app.Memory.Caches.Kept().Any(k => k.TableId == table.Id))
            {
                cached.Add(table.Id);
            }
        }
        foreach (var id in cached)
        {
            store.VersionStored(id, 0);
        }

        // One table stays looked at (the sweeps may have expired every other one): the accounting below counts a table held.
        var last = await app.CreateTableAsync(Tsv.Numbered(100), Ct);
        await SendAsync(http, new HttpRequestMessage(HttpMethod.Get, $"/api/tables/{last.Id}/rows?sort=2"), Ct);

        // Catching up runs in the background: wait (polling) until everything has settled.
        var settled = await Timeouts.Until(() => Accounting(app) is null);
        Assert.True(settled, Accounting(app));
        Assert.NotEmpty(cached);
        Assert.All(cached, id => Assert.Null(app.Memory.Find(id)));
        Assert.True(app.Memory.Count > 0);
        Assert.Equal(11, done.Count); // every path ran
    }

    /// <summary>What is wrong with the memory's accounting now; null when nothing is.</summary>
    private static string? Accounting(TsvLiveFactory app)
    {
        var budget = app.Budget;
        var memory = app.Memory;
        // The tables' current versions, and the older ones held (read back for someone, or just replaced).
        var versions = memory.Tables.Select(t => t.Current).Concat(memory.OlderHeld.Select(o => o.Version)).ToList();
        var tablesHold = versions.Sum(v => v.Content().HeldBytes);
        if (budget.Held != tablesHold + budget.HeldByCaches)
        {
            return $"The budget holds {budget.Held} bytes; the tables {tablesHold} and the caches {budget.HeldByCaches}.";
        }
        if (budget.HeldByCaches != memory.Caches.HeldBytes)
        {
            return $"The budget counts {budget.HeldByCaches} bytes of caches; they hold {memory.Caches.HeldBytes}.";
        }
        foreach (var address in versions.Select(v => v.ChargedTo).Distinct())
        {
            var charged = versions.Where(v => v.ChargedTo == address).Sum(v => v.Content().HeldBytes);
            if (budget.HeldBy(address) != charged)
            {
                return $"{address} is charged {budget.HeldBy(address)} bytes; its tables hold {charged}.";
            }
        }
        var orphans = memory.Caches.Kept().Where(k => !memory.IsHeld(k.TableId, k.Version)).ToList();
        return orphans.Count > 0 ? $"Caches are kept for versions not in memory: {string.Join(", ", orphans)}." : null;
    }

    private static HttpRequestMessage Replace(TableCreated table, byte[] bytes)
    {
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{table.Id}") { Content = new ByteArrayContent(bytes) };
        put.Headers.Add("X-Edit-Key", table.EditKey);
        return put;
    }

    /// <summary>The answer when it succeeded; null when it was refused (busy, expired, full) or given up.</summary>
    private static async Task<HttpResponseMessage?> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        using var _ = request;
        try
        {
            var response = await http.SendAsync(request, cancellationToken == default ? Ct : cancellationToken);
            Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
            return response.IsSuccessStatusCode ? response : null;
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            return null;
        }
        catch (HttpRequestException)
        {
            return null; // the body was cut off
        }
    }

    /// <summary>A body that sends half its bytes, then gives up.</summary>
    private sealed class HalfThenStall(byte[] bytes, CancellationTokenSource cut) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await stream.FlushAsync();
            await cut.CancelAsync();
            await Task.Delay(Timeout.Infinite, cut.Token);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    public void Dispose() => _directory.Dispose();
}
