using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using TsvLive.Api;

namespace TsvLive.LoadTool;

/// <summary>
/// The changes figures of docs/benchmarks.md: two versions of a 100 MB table with 1% of the rows
/// changed, compared by a key column and by content (a line diff), the first time (computed) and
/// again (cached); then the same for 1 GB, with the server's resident memory sampled while it compares.
/// The goal: ≤ 1 s for 100 MB, ≤ 10 s for 1 GB, holding only the differences (and a hash per row meanwhile).
/// </summary>
internal sealed class ChangesScenario(ServerProcess server, LoadScale scale, TextWriter report, CancellationToken cancellationToken)
{
    private readonly HttpClient _http = new() { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(10) };

    public async Task RunAsync(int repeats)
    {
        // Every path once on a small pair first (JIT), not reported.
        foreach (var keyed in new[] { true, false })
        {
            await CompareAsync(Table(2_000_000, keyed, edited: false), Table(2_000_000, keyed, edited: true));
        }
        report.WriteLine($"## Changes between two versions with 1% of the rows changed (median of {repeats})");
        report.WriteLine("| table | rows | matched by | changes | first ask: computed (s) | asked again: cached (ms) |");
        report.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var keyed in new[] { true, false })
        {
            var (v1, v2) = (Table(scale.UploadBytes, keyed, edited: false), Table(scale.UploadBytes, keyed, edited: true));
            var runs = new List<(double First, double Again, TableChangesPage Changes, long Rows)>();
            for (var run = 0; run < repeats; run++)
            {
                runs.Add(await CompareAsync(v1, v2));
            }
            var last = runs[^1];
            report.WriteLine($"| {v1.Length / 1e6:0} MB | {last.Rows:N0} | {last.Changes.MatchedBy} | {last.Changes.TotalRows:N0} | " +
                $"{Latencies.Median(runs.Select(r => r.First).ToList()):0.00} | {Latencies.Median(runs.Select(r => r.Again * 1000).ToList()):0} |");
        }
        report.WriteLine("");
        await HugeAsync();
    }

    /// <summary>A 1 GB pair, written to files (the tables' rows are unique, as real tables' mostly are).</summary>
    private async Task HugeAsync()
    {
        var paths = new[] { "v1", "v2" }.Select(v => Path.Combine(Path.GetTempPath(), $"tsvlive-changes-{Environment.ProcessId}-{v}.tsv")).ToArray();
        try
        {
            for (var v = 0; v < 2; v++)
            {
                await using var file = File.Create(paths[v]);
                await WriteTableAsync(file, scale.HugeFileBytes, keyed: true, edited: v == 1);
            }
            report.WriteLine($"## Changes between two versions of a {new FileInfo(paths[0]).Length / 1e9:0.##} GB table, 1% of the rows changed");
            report.WriteLine("| matched by | rows | changes | computed (s) | RSS before (MB) | RSS peak while comparing (MB) | peak − before (MB) |");
            report.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
            TableCreated created;
            await using (var first = File.OpenRead(paths[0]))
            {
                var response = await _http.PostAsync("/api/tables?name=changes-huge.tsv", new StreamContent(first), cancellationToken);
                created = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(cancellationToken))!;
            }
            await using (var second = File.OpenRead(paths[1]))
            {
                await ReplaceAsync(created, new StreamContent(second));
            }
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
            var (seconds, changes) = await ChangesAsync(created.Id);
            await sampling.CancelAsync();
            await sampler;
            report.WriteLine($"| {changes.MatchedBy} | {created.RowCount:N0} | {changes.TotalRows:N0} | {seconds:0.0} | {before / 1e6:0} | {peak / 1e6:0} | {(peak - before) / 1e6:0} |");
            report.WriteLine("");
        }
        finally
        {
            foreach (var path in paths)
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>Creates the table, replaces it, asks for the changes twice: (first, again) in seconds, the changes, the rows.</summary>
    private async Task<(double First, double Again, TableChangesPage Changes, long Rows)> CompareAsync(byte[] v1, byte[] v2)
    {
        var response = await _http.PostAsync("/api/tables?name=changes.tsv", new ByteArrayContent(v1), cancellationToken);
        var created = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(cancellationToken))!;
        await ReplaceAsync(created, new ByteArrayContent(v2));
        var (first, changes) = await ChangesAsync(created.Id);
        var (again, _) = await ChangesAsync(created.Id);
        return (first, again, changes, created.RowCount);
    }

    private async Task ReplaceAsync(TableCreated table, HttpContent content)
    {
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{table.Id}") { Content = content };
        put.Headers.Add("X-Edit-Key", table.EditKey);
        (await _http.SendAsync(put, cancellationToken)).EnsureSuccessStatusCode();
    }

    private async Task<(double Seconds, TableChangesPage Changes)> ChangesAsync(string id)
    {
        var watch = Stopwatch.StartNew();
        var changes = await _http.GetFromJsonAsync<TableChangesPage>($"/api/tables/{id}/changes?pageSize=100", cancellationToken);
        return (watch.Elapsed.TotalSeconds, changes!);
    }

    private static byte[] Table(long bytes, bool keyed, bool edited)
    {
        using var memory = new MemoryStream((int)bytes + 200);
        WriteTableAsync(memory, bytes, keyed, edited).GetAwaiter().GetResult();
        return memory.ToArray();
    }

    /// <summary>
    /// About <paramref name="bytes"/> of rows like the realistic table's. Keyed: the id column is unique.
    /// Not keyed: every column repeats (ids modulo 1000, and so on), only whole rows are unique. Edited: the
    /// note of every 100th row (1%) says so.
    /// </summary>
    private static async Task WriteTableAsync(Stream output, long bytes, bool keyed, bool edited)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 20, leaveOpen: true);
        await writer.WriteAsync("id\tname\tcity\tamount\tdate\tnote\n");
        var line = new StringBuilder(128);
        long written = 0;
        for (var i = 0L; written < bytes; i++)
        {
            line.Clear();
            var (id, name, note) = keyed ? (i, i, i) : (i % 1000, i % 1001, i % 1009);
            line.Append(id).Append("\tName ").Append(name).Append("\tCity ").Append(i % 977).Append('\t')
                .Append(((i % 1003) * 3.25).ToString(CultureInfo.InvariantCulture)).Append("\t2026-")
                .Append((i % 12 + 1).ToString("00", CultureInfo.InvariantCulture)).Append('-')
                .Append((i % 28 + 1).ToString("00", CultureInfo.InvariantCulture)).Append('\t')
                .Append(edited && i % 100 == 37 ? "EDITED note for row " : "some note text for row ").Append(note).Append('\n');
            // Counted as if not edited, so both versions have the same rows.
            written += line.Length + (edited && i % 100 == 37 ? 3 : 0);
            await writer.WriteAsync(line);
        }
    }
}
