using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using TsvLive.Api;
using TsvLive.Benchmarks;

namespace TsvLive.LoadTool;

/// <summary>
/// The view and stats figures of docs/benchmarks.md: a realistic table (id, name, city, amount, date,
/// note) of about 100 MB and one of about 1 GB, each operation timed from outside over HTTP, cold
/// (the first on its column since the upload) where the goal says so.
/// </summary>
internal sealed class ViewScenarios(ServerProcess server, LoadScale scale, TextWriter report, CancellationToken cancellationToken)
{
    private readonly HttpClient _http = new() { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(10) };

    public async Task RunAsync()
    {
        // "Cold" means not computed for this version yet, not code the JIT has never seen: a server
        // that has run for a while has compiled its view code, so each question is asked once of a
        // small table first (not reported).
        await MeasureAsync(await CreateAsync(GeneratedTsv.Realistic(Math.Min(10_000_000, scale.UploadBytes))), TextWriter.Null);
        var realistic = GeneratedTsv.Realistic(scale.UploadBytes);
        await MeasureAsync(await CreateAsync(realistic));
        new DuckDbComparison(report).Run(realistic);
        var path = Path.Combine(Path.GetTempPath(), $"tsvlive-views-{Environment.ProcessId}.tsv");
        try
        {
            await Scenarios.WriteLargeFileAsync(path, scale.HugeFileBytes);
            await using var file = File.OpenRead(path);
            var response = await _http.PostAsync("/api/tables?name=views-huge.tsv", new StreamContent(file), cancellationToken);
            await MeasureAsync((await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(cancellationToken))!);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task MeasureAsync(TableCreated table, TextWriter? to = null)
    {
        var output = to ?? report;
        Line(output, $"## Views of a {table.SizeBytes / 1e6:0} MB table, {table.RowCount:N0} rows ({string.Join(", ", table.Columns.Zip(table.ColumnTypes, (c, t) => $"{c}: {t}"))})");
        var cacheBefore = await ViewCacheBytesAsync();
        Line(output, $"- first page sorted by an integer column (id, descending), cold: {await TimeAsync(table, "sort=1:desc"):0} ms");
        await Task.Delay(1000, cancellationToken); // the metrics exporter answers from a short-lived cache
        var afterOneSort = await ViewCacheBytesAsync();
        if (afterOneSort is { } after && cacheBefore is { } before)
        {
            Line(output, $"  - cache held for it: {(after - before) / (double)table.RowCount:0.0} bytes a row (the column's values, its order, the view's rows)");
        }
        Line(output, $"- first page sorted by a text column (name, all distinct), cold: {await TimeAsync(table, "sort=2"):0} ms");
        Line(output, $"- first page sorted by a text column (city, 977 values), cold: {await TimeAsync(table, "sort=3"):0} ms");
        Line(output, $"- any later page of that sort: {await LaterPagesAsync(table, "sort=2")}");
        Line(output, $"- filter `contains` on one text column (city contains \"city 97\"), cold: {await TimeAsync(table, "filter=3:contains:city%2097"):0} ms");
        Line(output, $"- any later page of that filter: {await LaterPagesAsync(table, "filter=3:contains:city%2097")}");
        Line(output, $"- filter `gt` on a number column (amount), cold: {await TimeAsync(table, "filter=4:gt:1000"):0} ms");
        Line(output, $"- find (`q`) across all columns, a rare word (\"Name 777777\"): {await TimeAsync(table, "q=Name%20777777"):0} ms");
        Line(output, $"- find (`q`), a common word (\"quoted\", every 50th row): {await TimeAsync(table, "q=quoted"):0} ms");
        Line(output, $"- find (`q`), one letter (\"e\", matching most bytes): {await TimeAsync(table, "q=e"):0} ms; the same in the other case (\"E\"): {await TimeAsync(table, "q=E"):0} ms");
        Line(output, $"- stats of a number column (amount), cold: {await TimeAsync(table, null, "/columns/4"):0} ms; of a text column (city), cold: {await TimeAsync(table, null, "/columns/3"):0} ms");
        await Task.Delay(1000, cancellationToken); // the metrics exporter answers from a short-lived cache
        if (await ViewCacheBytesAsync() is { } cachesAfter && cacheBefore is { } cachesBefore)
        {
            Line(output, $"- memory for all of the above: the table's {table.SizeBytes / 1e6:0} MB and {(cachesAfter - cachesBefore) / 1e6:0} MB of view caches");
        }
        Line(output, "");
    }

    /// <summary>
    /// 20 addresses each asking for distinct views (a `contains` filter on random text, two at once,
    /// again as each answers) while another address pages the table: its plain pages must not wait
    /// behind the views (issue 18).
    /// </summary>
    public async Task ViewFloodAsync()
    {
        const int addresses = 20;
        var table = await CreateAsync(GeneratedTsv.Realistic(scale.UploadBytes));
        Line($"## A view flood on a {table.SizeBytes / 1e6:0} MB table");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var asked = 0;
        var refused = 0;
        var flood = Enumerable.Range(0, addresses).SelectMany(a => Enumerable.Range(0, 2).Select(async n =>
        {
            using var http = new HttpClient(Hub.BoundTo(System.Net.IPAddress.Parse($"127.0.1.{a + 1}"))) { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(5) };
            var random = new Random((a * 2) + n);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var response = await http.GetAsync($"/api/tables/{table.Id}/rows?filter=6:contains:{random.Next(100_000, 999_999)}", stop.Token);
                    Interlocked.Increment(ref asked);
                    if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
                    {
                        Interlocked.Increment(ref refused);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }
        })).ToList();
        await Task.Delay(1000, cancellationToken); // the flood is under way
        using var victim = new HttpClient(Hub.BoundTo(System.Net.IPAddress.Parse("127.0.2.1"))) { BaseAddress = server.Address };
        var latencies = new Latencies();
        var random = new Random(7);
        for (var i = 0; i < 100; i++)
        {
            var watch = Stopwatch.StartNew();
            (await victim.GetAsync($"/api/tables/{table.Id}/rows?page={random.NextInt64(1, (table.RowCount / 100) + 1)}", cancellationToken)).EnsureSuccessStatusCode();
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            await Task.Delay(20, cancellationToken);
        }
        await stop.CancelAsync();
        await Task.WhenAll(flood);
        Line($"- another address's plain page while {addresses} addresses ask for distinct views (2 at a time each): {latencies}; views asked {asked:N0}, refused {refused:N0}");
        Line("");
    }

    private async Task<double> TimeAsync(TableCreated table, string? query, string path = "/rows")
    {
        var watch = Stopwatch.StartNew();
        (await _http.GetAsync($"/api/tables/{table.Id}{path}{(query is null ? "" : "?" + query)}", cancellationToken)).EnsureSuccessStatusCode();
        return watch.Elapsed.TotalMilliseconds;
    }

    private async Task<Latencies> LaterPagesAsync(TableCreated table, string query)
    {
        var first = await _http.GetFromJsonAsync<TablePage>($"/api/tables/{table.Id}/rows?{query}", cancellationToken);
        var random = new Random(3);
        var latencies = new Latencies();
        for (var i = 0; i < 50; i++)
        {
            var page = random.NextInt64(1, first!.TotalPages + 1);
            var watch = Stopwatch.StartNew();
            (await _http.GetAsync($"/api/tables/{table.Id}/rows?{query}&page={page}", cancellationToken)).EnsureSuccessStatusCode();
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        return latencies;
    }

    private async Task<long?> ViewCacheBytesAsync()
    {
        var metrics = await _http.GetStringAsync("/metrics", cancellationToken);
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("tsvlive_bytes_view_caches", StringComparison.Ordinal));
        return line is null ? null : (long)double.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture);
    }

    private async Task<TableCreated> CreateAsync(byte[] file)
    {
        var response = await _http.PostAsync("/api/tables?name=views.tsv", new ByteArrayContent(file), cancellationToken);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(cancellationToken))!;
    }

    private void Line(string text) => Line(report, text);

    private static void Line(TextWriter output, string text)
    {
        output.WriteLine(text);
        output.Flush();
    }
}
