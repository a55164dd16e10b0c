using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;

namespace TsvLive.LoadTool;

/// <summary>
/// The live-table figures of docs/benchmarks.md (issue 24's goals): one record on an open stream to
/// RowsAppended at 100 watchers; a sustained stream of 10-column records with 100 watchers paging its
/// last page; many small appends (one record per request) from 10 producers on 10 tables; memory per
/// appended byte.
/// </summary>
internal sealed class AppendScenario(ServerProcess server, int watchers, TextWriter report, CancellationToken cancellationToken)
{
    private readonly HttpClient _http = new() { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(5) };

    public async Task RunAsync(int records, TimeSpan sustained, int viewRows)
    {
        report.WriteLine("## Live tables: appended rows");
        await RecordToWatchersAsync(server, records);
        await SustainedAsync(sustained);
        await SmallAppendsAsync(sustained);
        await SortedViewWhileAppendingAsync(viewRows, sustained);
        report.WriteLine("");
    }

    /// <summary>
    /// One record at a time on an open hub stream to this scenario's server; the time until each watcher
    /// (connected to <paramref name="watchersOn"/>: this server, or another instance on the same Redis)
    /// has its RowsAppended; and whether the last page, asked of that instance right after, has the record.
    /// </summary>
    public async Task RecordToWatchersAsync(ServerProcess watchersOn, int records)
    {
        var table = await CreateAsync(Header + Record(0));
        var seen = new Latencies();
        var sentAt = new long[records + 2];
        var connections = new List<HubConnection>();
        var pagesChecked = new List<Task<bool>>();
        using var pages = new HttpClient { BaseAddress = watchersOn.Address };
        try
        {
            for (var i = 0; i < watchers; i++)
            {
                var watcher = await Hub.ConnectAsync(watchersOn.Address, messagePack: false, cancellationToken);
                var checksPages = i == 0;
                watcher.On<TableInfo>("RowsAppended", info =>
                {
                    if (info.RowCount < sentAt.Length && Volatile.Read(ref sentAt[info.RowCount]) is var sent and > 0)
                    {
                        seen.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                        if (checksPages)
                        {
                            lock (pagesChecked)
                            {
                                pagesChecked.Add(LastPageHasAsync(pages, table.Id, info.RowCount));
                            }
                        }
                    }
                });
                await watcher.InvokeAsync<TableInfo>("Watch", table.Id, cancellationToken);
                connections.Add(watcher);
            }
            await using var producer = await Hub.ConnectAsync(server.Address, messagePack: true, cancellationToken);
            var chunks = Channel.CreateUnbounded<byte[]>();
            var appending = producer.InvokeAsync<Appended>("Append", chunks.Reader.ReadAllAsync(cancellationToken), new { id = table.Id, editKey = table.EditKey }, cancellationToken);
            for (var i = 1; i <= records; i++)
            {
                // A record every 150 ms: each is its own RowsAppended (coalescing is at 100 ms).
                Volatile.Write(ref sentAt[i + 1], Stopwatch.GetTimestamp());
                await chunks.Writer.WriteAsync(Encoding.UTF8.GetBytes(Record(i)), cancellationToken);
                await Task.Delay(150, cancellationToken);
            }
            chunks.Writer.Complete();
            await appending;
            await Task.Delay(500, cancellationToken);
            var where = watchersOn == server ? "the same instance" : "another instance (Redis)";
            var complete = await Task.WhenAll(pagesChecked);
            report.WriteLine($"- one record on an open stream → RowsAppended at each of {watchers} watchers on {where}: {seen}; " +
                $"the last page asked of it right after had the record {complete.Count(c => c)} times of {complete.Length}");
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task<bool> LastPageHasAsync(HttpClient http, string id, long rows)
    {
        var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{id}/rows?page={rows}&pageSize=1", cancellationToken);
        return page!.Rows.Count == 1 && page.Rows[0][0] == (rows - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A stream of 10-column records as fast as one producer sends them, 100 watchers paging the last page as it grows.</summary>
    private async Task SustainedAsync(TimeSpan duration)
    {
        var table = await CreateAsync(Header + Record(0));
        var before = server.ResidentBytes ?? 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pageLag = new Latencies();
        var readers = Enumerable.Range(0, watchers).Select(async _ =>
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            while (!stop.IsCancellationRequested)
            {
                var asked = Stopwatch.GetTimestamp();
                var rows = await RowCountAsync(http, table.Id);
                var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{table.Id}/rows?page={Math.Max(1, (rows + 99) / 100)}&pageSize=100", stop.Token);
                pageLag.Add(Stopwatch.GetElapsedTime(asked).TotalMilliseconds);
                await Task.Delay(200, CancellationToken.None);
            }
        }).ToList();
        // The body is written as the producer goes, through an in-memory pipe.
        var body = new System.IO.Pipelines.Pipe();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tables/{table.Id}/rows") { Content = new StreamContent(body.Reader.AsStream()) };
        request.Headers.Add("X-Edit-Key", table.EditKey);
        var sending = _http.SendAsync(request, cancellationToken);
        var watch = Stopwatch.StartNew();
        long bytes = 0, sent = 0;
        var batch = new StringBuilder(1 << 16);
        while (watch.Elapsed < duration)
        {
            batch.Clear();
            for (var i = 0; i < 500; i++)
            {
                batch.Append(Record(++sent));
            }
            var chunk = Encoding.UTF8.GetBytes(batch.ToString());
            bytes += chunk.Length;
            await body.Writer.WriteAsync(chunk, cancellationToken);
        }
        await body.Writer.CompleteAsync();
        var appended = await (await sending).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Appended>(cancellationToken);
        var seconds = watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
        var after = server.ResidentBytes ?? 0;
        report.WriteLine($"- sustained stream, 10 columns, {watchers} watchers reading the last page every 200 ms: {appended!.AppendedRows:N0} records " +
            $"({bytes / 1e6:0} MB) in {seconds:0.0} s = **{appended.AppendedRows / seconds:N0} records/s, {bytes / 1e6 / seconds:0} MB/s**; " +
            $"the watchers' last-page reads: {pageLag}; RSS {before / 1e6:0} → {after / 1e6:0} MB ({(after - before) / (double)bytes:0.00} × the appended bytes)");
    }

    /// <summary>One record per request, from 10 producers on 10 tables at once.</summary>
    private async Task SmallAppendsAsync(TimeSpan duration)
    {
        var tables = new List<TableCreated>();
        for (var i = 0; i < 10; i++)
        {
            tables.Add(await CreateAsync(Header + Record(0)));
        }
        var watch = Stopwatch.StartNew();
        // Ten producers are ten machines (each from its own loopback address): an address may hold a few streams at once.
        var requests = await Task.WhenAll(tables.Select(async (table, producer) =>
        {
            using var http = new HttpClient(Hub.BoundTo(System.Net.IPAddress.Parse($"127.0.0.{2 + producer}"))) { BaseAddress = server.Address };
            var n = 0;
            while (watch.Elapsed < duration)
            {
                var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tables/{table.Id}/rows") { Content = new StringContent(Record(++n)) };
                request.Headers.Add("X-Edit-Key", table.EditKey);
                (await http.SendAsync(request, cancellationToken)).EnsureSuccessStatusCode();
            }
            return n;
        }));
        var seconds = watch.Elapsed.TotalSeconds;
        report.WriteLine($"- many small appends, one record per request, 10 producers on 10 tables: {requests.Sum():N0} requests in {seconds:0.0} s = **{requests.Sum() / seconds:N0} requests/s**");
    }

    /// <summary>
    /// A table of <paramref name="rows"/> 10-column rows sorted by a number column while 1,000 records a
    /// second are appended to it, 10 viewers asking for the sorted view's first page once a second each,
    /// as the browser refreshes a view while rows arrive: the time of each ask (most are a cached page;
    /// about one a second computes the sort over the rows then present).
    /// </summary>
    private async Task SortedViewWhileAppendingAsync(int rows, TimeSpan duration)
    {
        var text = new StringBuilder(Header, rows * 70);
        for (var i = 0; i < rows; i++)
        {
            text.Append(Record(i));
        }
        var table = await CreateAsync(text.ToString());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var asks = new Latencies();
        var newest = 0L;
        var viewers = Enumerable.Range(0, 10).Select(async viewer =>
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            await Task.Delay(viewer * 100, CancellationToken.None);
            while (!stop.IsCancellationRequested)
            {
                var asked = Stopwatch.GetTimestamp();
                var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{table.Id}/rows?sort=2:desc&pageSize=100", CancellationToken.None);
                asks.Add(Stopwatch.GetElapsedTime(asked).TotalMilliseconds);
                Interlocked.Exchange(ref newest, Math.Max(Interlocked.Read(ref newest), page!.TotalRows));
                await Task.Delay(1000, CancellationToken.None);
            }
        }).ToList();
        var body = new System.IO.Pipelines.Pipe();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tables/{table.Id}/rows") { Content = new StreamContent(body.Reader.AsStream()) };
        request.Headers.Add("X-Edit-Key", table.EditKey);
        var sending = _http.SendAsync(request, cancellationToken);
        var watch = Stopwatch.StartNew();
        long sent = rows;
        while (watch.Elapsed < duration)
        {
            // 100 records every 100 ms: 1,000 a second.
            var batch = new StringBuilder();
            for (var i = 0; i < 100; i++)
            {
                batch.Append(Record(sent++));
            }
            await body.Writer.WriteAsync(Encoding.UTF8.GetBytes(batch.ToString()), cancellationToken);
            await Task.Delay(100, cancellationToken);
        }
        await body.Writer.CompleteAsync();
        (await sending).EnsureSuccessStatusCode();
        await stop.CancelAsync();
        await Task.WhenAll(viewers);
        report.WriteLine($"- a sorted view (a number column, descending) of a {rows:N0}-row table while 1,000 records/s arrive, 10 viewers asking for its first page once a second: " +
            $"{asks}; the views had {Interlocked.Read(ref newest) - rows:N0} of the {sent - rows:N0} records appended at the last ask");
    }

    private async Task<long> RowCountAsync(HttpClient http, string id) =>
        (await http.GetFromJsonAsync<TableInfo>($"/api/tables/{id}", cancellationToken))!.RowCount;

    private async Task<TableCreated> CreateAsync(string text)
    {
        var response = await _http.PostAsync("/api/tables?name=live.tsv", new StringContent(text), cancellationToken);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(cancellationToken))!;
    }

    private const string Header = "step\tloss\taccuracy\tlr\tepoch\tbatch\tgrad_norm\ttokens\telapsed\tnote\n";

    private static string Record(long i) =>
        $"{i}\t{1.0 / (i + 1):0.000000}\t{i % 1000 / 1000.0:0.000}\t0.0003\t{i / 1000}\t{i % 1000}\t{i % 97 / 10.0:0.0}\t{i * 512}\t{i * 0.05:0.00}\tok\n";


}
