using System.Diagnostics;
using System.Net.Http.Json;
using TsvLive.Api;
using TsvLive.Benchmarks;

namespace TsvLive.LoadTool;

/// <summary>
/// The export figures of docs/benchmarks.md: the realistic 100 MB table exported whole and as a sorted
/// view in each format (throughput = the table's bytes per second of the whole answer read by the
/// client), and a 1 GB table exported whole as CSV and as Excel while the server's resident memory is
/// sampled every 50 ms: "flat" means its peak stays near what it held before the export.
/// </summary>
internal sealed class ExportScenario(ServerProcess server, LoadScale scale, TextWriter report, CancellationToken cancellationToken)
{
    private static readonly string[] s_formats = ["csv", "tsv", "json", "xlsx"];

    private readonly HttpClient _http = new() { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(10) };

    public async Task RunAsync(int repeats)
    {
        // Every export path runs once on a small table first (JIT), not reported.
        var warm = await CreateAsync(GeneratedTsv.Realistic(Math.Min(5_000_000, scale.UploadBytes)), "warm.tsv");
        foreach (var format in s_formats)
        {
            await ExportAsync(warm.Id, $"format={format}&filter=1:le:1000000");
            await ExportAsync(warm.Id, $"format={format}&filter=1:le:1000000&sort=4:desc");
        }

        var file = GeneratedTsv.Realistic(scale.UploadBytes);
        var table = await CreateAsync(file, "export.tsv");
        // The sorted view computed once (a view's cost is in docs/benchmarks.md's view figures): what is timed is writing it out.
        await _http.GetAsync($"/api/tables/{table.Id}/rows?sort=4:desc", cancellationToken);
        report.WriteLine($"## Export of a {file.Length / 1e6:0} MB table ({table.RowCount:N0} rows; median of {repeats}; MB/s = MB of the table's rows exported per second)");
        report.WriteLine("(Excel: the rows with id ≤ 1,000,000, since a sheet holds 1,048,575.)");
        report.WriteLine("| format | whole table (s) | MB/s | sorted by amount, descending (s) | MB/s | output MB |");
        report.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var format in s_formats)
        {
            var whole = new List<double>();
            var sorted = new List<double>();
            var (bytes, rows) = (0L, 0L);
            var view = format == "xlsx" && table.RowCount >= 1_048_576 ? "&filter=1:le:1000000" : "";
            for (var run = 0; run < repeats; run++)
            {
                (var seconds, bytes, rows) = await ExportAsync(table.Id, $"format={format}{view}");
                whole.Add(seconds);
                sorted.Add((await ExportAsync(table.Id, $"format={format}{view}&sort=4:desc")).Seconds);
            }
            var (w, s) = (Latencies.Median(whole), Latencies.Median(sorted));
            var megabytes = file.Length / 1e6 * rows / table.RowCount;
            report.WriteLine($"| {format} | {w:0.00} | {megabytes / w:0} | {s:0.00} | {megabytes / s:0} | {bytes / 1e6:0} |");
        }
        report.WriteLine("");
        await HugeAsync();
    }

    private async Task HugeAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tsvlive-export-{Environment.ProcessId}.tsv");
        try
        {
            await Scenarios.WriteLargeFileAsync(path, scale.HugeFileBytes);
            TableCreated table;
            await using (var stream = File.OpenRead(path))
            {
                var response = await _http.PostAsync("/api/tables?name=export-huge.tsv", new StreamContent(stream), cancellationToken);
                table = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(cancellationToken))!;
            }
            var size = new FileInfo(path).Length;
            report.WriteLine($"## Export of a {size / 1e9:0.##} GB table ({table.RowCount:N0} rows): the server's memory while it streams");
            report.WriteLine("| export | time (s) | MB/s | output MB | RSS before (MB) | RSS peak during (MB) | peak − before (MB) |");
            report.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
            foreach (var format in new[] { "csv", "xlsx" })
            {
                // An Excel sheet holds about a million rows: the huge table's Excel export is a filtered view
                // under that (the file repeats a 50 MB block whose ids start at 1: about 20 rows per id).
                var query = format == "xlsx" && table.RowCount >= 1_048_576 ? "format=xlsx&filter=1:le:50000" : $"format={format}";
                // A view is computed (and cached) as for a page first: what is measured is the export's own memory.
                (await _http.GetAsync($"/api/tables/{table.Id}/rows?{query}", cancellationToken)).EnsureSuccessStatusCode();
                await Task.Delay(500, cancellationToken);
                var before = server.ResidentBytes ?? 0;
                var peak = before;
                using var sampling = new CancellationTokenSource();
                var sampler = Task.Run(async () =>
                {
                    while (!sampling.IsCancellationRequested)
                    {
                        peak = Math.Max(peak, server.ResidentBytes ?? 0);
                        await Task.Delay(50, CancellationToken.None);
                    }
                }, CancellationToken.None);
                var (seconds, bytes, rows) = await ExportAsync(table.Id, query);
                await sampling.CancelAsync();
                await sampler;
                report.WriteLine($"| {query} | {seconds:0.0} | {size / 1e6 * rows / table.RowCount / seconds:0} | {bytes / 1e6:0} | {before / 1e6:0} | {peak / 1e6:0} | {(peak - before) / 1e6:0} |");
            }
            report.WriteLine("");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The time until the whole answer was read, its size and the rows it holds.</summary>
    private async Task<(double Seconds, long Bytes, long Rows)> ExportAsync(string id, string query)
    {
        var watch = Stopwatch.StartNew();
        using var response = await _http.GetAsync($"/api/tables/{id}/export?{query}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
        }
        return (watch.Elapsed.TotalSeconds, total, long.Parse(response.Headers.GetValues("X-Export-Rows").Single(), System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<TableCreated> CreateAsync(byte[] file, string name)
    {
        var response = await _http.PostAsync($"/api/tables?name={name}", new ByteArrayContent(file), cancellationToken);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(cancellationToken))!;
    }
}
