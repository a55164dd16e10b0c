using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Benchmarks;

namespace TsvLive.LoadTool;

/// <summary>The measurements of docs/benchmarks.md, each against a running server.</summary>
internal sealed class Scenarios(ServerProcess server, LoadScale scale, TextWriter report, CancellationToken cancellationToken)
{
    private const int ChunkSize = 64 * 1024;
    private readonly HttpClient _http = new() { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(10) };

    /// <summary>The scenarios named (uploads, memory, pages, fanout, huge), in that order.</summary>
    public async Task RunAsync(IReadOnlyCollection<string> only)
    {
        if (only.Contains("uploads")) { await UploadsAsync(repeats: 3); }
        if (only.Contains("memory")) { await MemoryPerMegabyteAsync(); }
        if (only.Contains("pages")) { await PageLatencyAsync(); }
        if (only.Contains("fanout")) { foreach (var n in scale.Watchers) { await FanOutAsync(n); } }
        if (only.Contains("huge")) { await HugeFileAsync(); }
        if (only.Contains("flood")) { await PageFloodAsync(); }
    }

    /// <summary>100 MB over the hub (JSON, MessagePack) and HTTP: time to complete, and to page 1 being readable.</summary>
    public async Task UploadsAsync(int repeats)
    {
        var file = GeneratedTsv.Realistic(scale.UploadBytes);
        var chunks = file.Chunk(ChunkSize).ToArray();
        Line($"## Upload of a {file.Length / 1e6:0} MB TSV ({repeats} runs each, median)");
        Line("| path | complete (s) | page 1 readable after the first chunk was sent (ms) |");
        Line("| --- | --- | --- |");
        foreach (var messagePack in new[] { true, false })
        {
            var totals = new List<double>();
            var firstPages = new List<double>();
            for (var run = 0; run < repeats; run++)
            {
                var (total, firstPage) = await UploadOverHubAsync(chunks, messagePack);
                totals.Add(total);
                firstPages.Add(firstPage);
            }
            Line($"| hub, {(messagePack ? "MessagePack" : "JSON")} | {Latencies.Median(totals):0.00} | {Latencies.Median(firstPages):0} |");
        }
        var httpTotals = new List<double>();
        for (var run = 0; run < repeats; run++)
        {
            var watch = Stopwatch.StartNew();
            (await _http.PostAsync("/api/tables?name=load.tsv", new ByteArrayContent(file), cancellationToken)).EnsureSuccessStatusCode();
            httpTotals.Add(watch.Elapsed.TotalSeconds);
        }
        Line($"| HTTP POST | {Latencies.Median(httpTotals):0.00} | (the id arrives with the answer) |");
        Line("");
        await ReplacementToFirstPageAsync(file, repeats);
    }

    /// <summary>
    /// A viewer watches a 100 MB table; its owner replaces it (HTTP PUT, another 100 MB): the time from
    /// sending the PUT until the viewer, told by TableReplaced, has page 1 of the new version.
    /// </summary>
    private async Task ReplacementToFirstPageAsync(byte[] file, int repeats)
    {
        var table = await CreateAsync(file, "watched.tsv");
        await using var viewer = await Hub.ConnectAsync(server.Address, messagePack: false, cancellationToken);
        var seen = new List<double>();
        var answered = new List<double>();
        for (var run = 0; run < repeats; run++)
        {
            var replacement = GeneratedTsv.Realistic(scale.UploadBytes + run + 1); // another file each time
            var hasPage = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
            var sent = 0L;
            using var subscription = viewer.On<TableInfo>("TableReplaced", async info =>
            {
                var page = await viewer.InvokeAsync<TablePage>("GetPage", info.Id, 1, 100, cancellationToken);
                hasPage.TrySetResult(page.Rows.Count > 0 ? Stopwatch.GetElapsedTime(sent).TotalMilliseconds : double.NaN);
            });
            await viewer.InvokeAsync<TableInfo>("Watch", table.Id, cancellationToken);
            sent = Stopwatch.GetTimestamp();
            await ReplaceAsync(table, replacement);
            answered.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            seen.Add(await hasPage.Task.WaitAsync(TimeSpan.FromMinutes(1), cancellationToken));
        }
        Line($"## Replacement of a watched {file.Length / 1e6:0} MB table ({repeats} runs, median)");
        Line($"- the viewer has page 1 of the new version {Latencies.Median(seen):0} ms after the PUT was sent (the PUT was answered after {Latencies.Median(answered):0} ms)");
        Line("");
    }

    /// <summary>Server memory growth for a stored table, per MB of file.</summary>
    public async Task MemoryPerMegabyteAsync()
    {
        if (server.ResidentBytes is null)
        {
            Line("(memory: the server runs elsewhere, RSS not measured)");
            return;
        }
        var file = GeneratedTsv.Realistic(scale.UploadBytes);
        await SettleAsync();
        var before = server.ResidentBytes.Value;
        var tables = 3;
        for (var i = 0; i < tables; i++)
        {
            (await _http.PostAsync("/api/tables?name=memory.tsv", new ByteArrayContent(file), cancellationToken)).EnsureSuccessStatusCode();
        }
        await SettleAsync();
        var growth = server.ResidentBytes.Value - before;
        Line($"## Memory per stored MB");
        Line($"RSS grew by {growth / 1e6:0} MB for {tables} tables of {file.Length / 1e6:0} MB: **{growth / (double)(tables * file.Length):0.00} × the file size**.");
        Line("");
    }

    /// <summary>GetPage latency on a 10-million-row table: one client, then 50 at once (2,000 random pages each time).</summary>
    public async Task PageLatencyAsync()
    {
        var created = await CreateAsync(GeneratedTsv.Rows(scale.PageTableRows), "ten-million.tsv");
        var pages = created.RowCount / 100;
        var clientCount = scale.ConcurrentClients;
        var readsPerClient = scale.PageReads / clientCount;
        Line($"## GetPage (100 rows) on a {created.RowCount:N0}-row table, {scale.PageReads:N0} random pages");
        var random = new Random(42);
        foreach (var messagePack in new[] { false, true })
        {
            var one = await Hub.ConnectAsync(server.Address, messagePack, cancellationToken);
            var single = await OneClientAsync(() => one.InvokeAsync<TablePage>("GetPage", created.Id, random.NextInt64(1, pages + 1), 100, cancellationToken));
            await one.DisposeAsync();
            Line($"- one client, hub {(messagePack ? "MessagePack" : "JSON")}: {single}");
        }
        var http = await OneClientAsync(async () =>
        {
            using var response = await _http.GetAsync($"/api/tables/{created.Id}/rows?page={random.NextInt64(1, pages + 1)}&pageSize=100", cancellationToken);
            await response.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync(cancellationToken);
        });
        Line($"- one client, HTTP GET /rows (keep-alive): {http}");
        var floor = await OneClientAsync(async () => (await _http.GetAsync("/healthz", cancellationToken)).EnsureSuccessStatusCode().Dispose());
        Line($"- the floor on this machine, one client, HTTP GET /healthz (keep-alive; no table read): {floor}");

        // Each from its own loopback address, as people are: one address may only read a few pages at once.
        var clients = await Task.WhenAll(Enumerable.Range(0, clientCount).Select(i =>
            Hub.ConnectAsync(server.Address, false, cancellationToken, from: IPAddress.Parse($"127.0.1.{i + 1}"))));
        var concurrent = new Latencies();
        await Task.WhenAll(clients.Select(async (client, c) =>
        {
            var own = new Random(c);
            for (var i = 0; i < readsPerClient; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await client.InvokeAsync<TablePage>("GetPage", created.Id, own.NextInt64(1, pages + 1), 100, cancellationToken);
                concurrent.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }));
        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        Line($"- {clientCount} concurrent clients: {concurrent}");
        Line("");
    }

    /// <summary>Time from a replacement to TableReplaced at every watcher, and RSS per idle connection.</summary>
    public async Task FanOutAsync(int watchers)
    {
        var created = await CreateAsync(GeneratedTsv.Rows(10), "fan-out.tsv");
        await ReplaceAsync(created, GeneratedTsv.Rows(12)); // warm-up: the first replacement on a fresh server pays for JIT
        await SettleAsync();
        var before = server.ResidentBytes;
        var received = new ConcurrentBag<long>();
        var connections = new ConcurrentBag<HubConnection>();
        using var gate = new SemaphoreSlim(100);
        var connectWatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, watchers).Select(async _ =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var connection = await Hub.ConnectAsync(server.Address, messagePack: false, cancellationToken);
                connection.On<TableInfo>("TableReplaced", _ => received.Add(Stopwatch.GetTimestamp()));
                await connection.InvokeAsync<TableInfo>("Watch", created.Id, cancellationToken);
                connections.Add(connection);
            }
            finally
            {
                gate.Release();
            }
        }));
        var connectSeconds = connectWatch.Elapsed.TotalSeconds;
        await SettleAsync();
        var after = server.ResidentBytes;

        var sent = Stopwatch.GetTimestamp();
        await ReplaceAsync(created, GeneratedTsv.Rows(11));
        var answered = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
        var deadline = Stopwatch.StartNew();
        while (received.Count < watchers && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(5, cancellationToken);
        }
        var latencies = new Latencies();
        foreach (var at in received)
        {
            latencies.Add(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds);
        }
        Line($"## Replacement notice to {watchers:N0} watchers");
        Line($"- {received.Count:N0} of {watchers:N0} got TableReplaced; from sending the PUT: {latencies}; the PUT itself was answered in {answered:0.0} ms");
        if (before is not null && after is not null)
        {
            Line($"- server RSS per idle watching connection: {(after.Value - before.Value) / 1024.0 / watchers:0.0} KB ({watchers:N0} connected in {connectSeconds:0.0} s)");
        }
        Line("");
        await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
    }

    /// <summary>
    /// One address floods the server with large pages (many connections, 1 MB pages, as fast as they
    /// can) while a person at another address pages: their latency before and during, the server's
    /// RSS peak, and how many of the flood's reads the server refused.
    /// </summary>
    public async Task PageFloodAsync()
    {
        var row = new string('x', 1000) + "\n";
        var created = await CreateAsync(System.Text.Encoding.UTF8.GetBytes("text\n" + string.Concat(Enumerable.Repeat(row, 20_000))), "flood.tsv");
        await using var person = await Hub.ConnectAsync(server.Address, false, cancellationToken, from: IPAddress.Parse("127.0.2.1"));
        var random = new Random(7);
        async Task<Latencies> PageAsync(Func<bool> goOn)
        {
            var latencies = new Latencies();
            while (goOn())
            {
                var start = Stopwatch.GetTimestamp();
                await person.InvokeAsync<TablePage>("GetPage", created.Id, random.NextInt64(1, 201), 100, cancellationToken);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            return latencies;
        }
        var calm = 0;
        var before = await PageAsync(() => calm++ < 50);

        var flooders = await Task.WhenAll(Enumerable.Range(0, scale.FloodConnections).Select(_ => Hub.ConnectAsync(server.Address, false, cancellationToken)));
        var refused = 0;
        var served = 0;
        long peak = server.ResidentBytes ?? 0;
        var flooding = true;
        var sampling = Task.Run(async () =>
        {
            while (Volatile.Read(ref flooding))
            {
                peak = Math.Max(peak, server.ResidentBytes ?? 0);
                await Task.Delay(50, cancellationToken);
            }
        }, cancellationToken);
        var flood = Task.WhenAll(flooders.Select(async flooder =>
        {
            for (var i = 0; i < scale.FloodPagesEach; i++)
            {
                try
                {
                    await flooder.InvokeAsync<TablePage>("GetPage", created.Id, 1 + (i % 20), 1000, cancellationToken);
                    Interlocked.Increment(ref served);
                }
                catch (Microsoft.AspNetCore.SignalR.HubException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }));
        var during = await PageAsync(() => !flood.IsCompleted);
        await flood;
        Volatile.Write(ref flooding, false);
        await sampling;
        await Task.WhenAll(flooders.Select(f => f.DisposeAsync().AsTask()));
        Line($"## Page flood: {scale.FloodConnections} connections from one address, {scale.FloodPagesEach} pages of 1 MB each");
        Line($"- another address paging (100 rows) before: {before}");
        Line($"- the same during the flood: {during}");
        Line($"- flood reads served {served:N0}, refused {refused:N0} (the default limits: 8 page reads at once per address, 1,000 more waiting their turn); server RSS peak {peak / 1e6:0} MB");
        Line("");
    }

    /// <summary>A 1 GB file: upload, first and last page, replace, all without error.</summary>
    public async Task HugeFileAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tsvlive-huge-{Guid.NewGuid():N}.tsv");
        await WriteLargeFileAsync(path, scale.HugeFileBytes);
        try
        {
            Line($"## A {scale.HugeFileBytes / 1e9:0.###} GB file");
            var watch = Stopwatch.StartNew();
            var created = await PostFileAsync(path);
            Line($"- upload over HTTP: {watch.Elapsed.TotalSeconds:0.0} s, {created.RowCount:N0} rows, RSS {server.ResidentBytes / 1e6:0} MB");
            var last = (created.RowCount + 99) / 100;
            var page = await _http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows?page={last}&pageSize=100", cancellationToken);
            Line($"- last page ({last:N0}): {page!.Rows.Count} rows");
            watch.Restart();
            await using (var stream = File.OpenRead(path))
            {
                var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{created.Id}") { Content = new StreamContent(stream) };
                put.Headers.Add("X-Edit-Key", created.EditKey);
                var replaced = await (await _http.SendAsync(put, cancellationToken)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableInfo>(cancellationToken);
                Line($"- replacement: version {replaced!.Version} in {watch.Elapsed.TotalSeconds:0.0} s, RSS {server.ResidentBytes / 1e6:0} MB");
            }
            Line("");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<(double TotalSeconds, double FirstPageMs)> UploadOverHubAsync(byte[][] chunks, bool messagePack)
    {
        await using var uploader = await Hub.ConnectAsync(server.Address, messagePack, cancellationToken);
        await using var reader = await Hub.ConnectAsync(server.Address, messagePack: false, cancellationToken);
        var tableId = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        uploader.On<string, long, long>("UploadProgress", (id, _, _) => tableId.TrySetResult(id));
        var watch = Stopwatch.StartNew();
        var firstChunk = TimeSpan.Zero;
        var upload = uploader.InvokeAsync<TableCreated>("Upload", Hub.Stream(chunks, () => firstChunk = watch.Elapsed), new UploadRequest("load.tsv"), cancellationToken);
        var id = await tableId.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        double firstPageMs;
        while (true)
        {
            var page = await reader.InvokeAsync<TablePage>("GetPage", id, 1, 100, cancellationToken);
            if (page.Rows.Count > 0)
            {
                firstPageMs = (watch.Elapsed - firstChunk).TotalMilliseconds;
                break;
            }
            // Asking again at once would take the cores the upload is indexed on (two here).
            await Task.Delay(1, cancellationToken);
        }
        await upload;
        return (watch.Elapsed.TotalSeconds, firstPageMs);
    }

    /// <summary>Page reads one after another: a tenth of them to warm up, then the timed ones.</summary>
    private async Task<Latencies> OneClientAsync(Func<Task> readPage)
    {
        for (var i = 0; i < scale.PageReads / 10; i++)
        {
            await readPage();
        }
        var latencies = new Latencies();
        for (var i = 0; i < scale.PageReads; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await readPage();
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return latencies;
    }

    private async Task<TableCreated> CreateAsync(byte[] file, string name)
    {
        var response = await _http.PostAsync($"/api/tables?name={name}", new ByteArrayContent(file), cancellationToken);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(cancellationToken))!;
    }

    private async Task ReplaceAsync(TableCreated table, byte[] file)
    {
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{table.Id}") { Content = new ByteArrayContent(file) };
        put.Headers.Add("X-Edit-Key", table.EditKey);
        (await _http.SendAsync(put, cancellationToken)).EnsureSuccessStatusCode();
    }

    private async Task<TableCreated> PostFileAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        var response = await _http.PostAsync("/api/tables?name=huge.tsv", new StreamContent(stream), cancellationToken);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(cancellationToken))!;
    }

    internal static async Task WriteLargeFileAsync(string path, long bytes)
    {
        var block = GeneratedTsv.Realistic((int)Math.Min(50_000_000, bytes));
        var header = Array.IndexOf(block, (byte)'\n') + 1;
        await using var file = File.Create(path);
        await file.WriteAsync(block);
        var written = (long)block.Length;
        while (written < bytes)
        {
            var rows = block.AsMemory(header, (int)Math.Min(block.Length - header, bytes - written));
            var cut = rows.Span.LastIndexOf((byte)'\n') + 1;
            if (cut == 0)
            {
                break; // less than a row left: the file is as large as asked, give or take a row
            }
            await file.WriteAsync(rows[..cut]);
            written += cut;
        }
    }

    /// <summary>Gives the server a moment to finish background work (GC, buffers) before RSS is read.</summary>
    private Task SettleAsync() => Task.Delay(scale.Settle, cancellationToken);

    private void Line(string text)
    {
        report.WriteLine(text);
        report.Flush();
        if (report != Console.Out)
        {
            Console.WriteLine(text);
        }
    }
}
