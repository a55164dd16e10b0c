using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Benchmarks;

namespace TsvLive.LoadTool;

/// <summary>
/// The server's memory under a few minutes of everything at once (the owner replacing a 100 MB table
/// every 5 s, 20 people paging it, 4 asking for views, 200 watching), then after 10 s without
/// load: its RSS against what it counts as held (tables and caches), over the RSS it had without them.
/// </summary>
internal sealed class MixedLoadScenario(ServerProcess server, LoadScale scale, TextWriter report, CancellationToken cancellationToken)
{
    private const int Readers = 20;
    private const int ViewAskers = 4;
    private const int Watchers = 200;

    /// <summary>The owner uploads a new version this often (within the default uploads-per-minute limit).</summary>
    private static readonly TimeSpan s_replaceEvery = TimeSpan.FromSeconds(5);
    private readonly HttpClient _http = new() { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(5) };

    public async Task RunAsync()
    {
        await Task.Delay(scale.Settle, cancellationToken);
        var (rssBefore, heldBefore) = (server.ResidentBytes, await HeldBytesAsync());
        var files = new[] { GeneratedTsv.Realistic(scale.UploadBytes), GeneratedTsv.Realistic(scale.UploadBytes + 1) };
        var response = await _http.PostAsync("/api/tables?name=mixed.tsv", new ByteArrayContent(files[0]), cancellationToken);
        var table = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(cancellationToken))!;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(scale.MixedLoad);
        var watchers = await Task.WhenAll(Enumerable.Range(0, Watchers).Select(async _ =>
        {
            var connection = await Hub.ConnectAsync(server.Address, messagePack: false, cancellationToken);
            await connection.InvokeAsync<TableInfo>("Watch", table.Id, cancellationToken);
            return connection;
        }));
        long peak = 0;
        var pageLatencies = new Latencies();
        var replacements = 0;
        var pages = 0;
        var views = 0;
        var work = new List<Task>
        {
            Until(stop.Token, async () =>
            {
                var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{table.Id}") { Content = new ByteArrayContent(files[++replacements % 2]) };
                put.Headers.Add("X-Edit-Key", table.EditKey);
                (await _http.SendAsync(put, stop.Token)).EnsureSuccessStatusCode();
                await Task.Delay(s_replaceEvery, stop.Token);
            }),
            Until(stop.Token, async () =>
            {
                peak = Math.Max(peak, server.ResidentBytes ?? 0);
                await Task.Delay(200, stop.Token);
            }),
        };
        work.AddRange(Enumerable.Range(0, Readers).Select(async r =>
        {
            await using var reader = await Hub.ConnectAsync(server.Address, false, cancellationToken, from: IPAddress.Parse($"127.0.3.{r + 1}"));
            var own = new Random(r);
            await Until(stop.Token, async () =>
            {
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                await reader.InvokeAsync<TablePage>("GetPage", table.Id, own.NextInt64(1, 5000), 100, stop.Token);
                pageLatencies.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                Interlocked.Increment(ref pages);
                await Task.Delay(20, stop.Token);
            });
        }));
        string[] questions = ["sort=1:desc", "sort=2", "sort=3", "filter=3:contains:city%209", "filter=4:gt:{0}", "q=Name%20{0}", "filter=6:contains:{0}"];
        work.AddRange(Enumerable.Range(0, ViewAskers).Select(async a =>
        {
            using var http = new HttpClient(Hub.BoundTo(IPAddress.Parse($"127.0.4.{a + 1}"))) { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(5) };
            var own = new Random(100 + a);
            await Until(stop.Token, async () =>
            {
                var question = string.Format(CultureInfo.InvariantCulture, questions[own.Next(questions.Length)], own.Next(1, 100_000));
                using var view = await http.GetAsync($"/api/tables/{table.Id}/rows?{question}", stop.Token);
                Interlocked.Increment(ref views);
            });
        }));
        await Task.WhenAll(work);
        await Task.WhenAll(watchers.Select(w => w.DisposeAsync().AsTask()));

        var (rssLoaded, heldLoaded) = (server.ResidentBytes, await HeldBytesAsync());
        await Task.Delay(scale.MixedLoadIdle, cancellationToken);
        var (rssIdle, heldIdle) = (server.ResidentBytes, await HeldBytesAsync());
        report.WriteLine($"## Memory under {scale.MixedLoad.TotalSeconds:0} s of mixed load ({replacements:N0} replacements of a {files[0].Length / 1e6:0} MB table, {pages:N0} pages by {Readers} readers, {views:N0} views by {ViewAskers} askers, {Watchers} watchers)");
        report.WriteLine($"- the readers' pages meanwhile: {pageLatencies}");
        if (rssBefore is { } before && rssLoaded is { } loaded && rssIdle is { } idle)
        {
            // What the process holds besides the tables and caches it counts, before the load.
            var baseline = before - heldBefore;
            report.WriteLine($"- before: RSS {before / 1e6:0} MB, of which held {heldBefore / 1e6:0} MB (baseline {baseline / 1e6:0} MB); peak RSS under load {peak / 1e6:0} MB");
            report.WriteLine($"- at the end of the load: RSS {loaded / 1e6:0} MB, held {heldLoaded / 1e6:0} MB: **{(loaded - baseline) / (double)heldLoaded:0.00} × held** over the baseline");
            report.WriteLine($"- {scale.MixedLoadIdle.TotalSeconds:0} s later, idle: RSS {idle / 1e6:0} MB, held {heldIdle / 1e6:0} MB: **{(idle - baseline) / (double)heldIdle:0.00} × held** over the baseline");
        }
        report.WriteLine("");
        report.Flush();
    }

    /// <summary>Runs <paramref name="step"/> again and again until <paramref name="stop"/>; a step cut by it ends quietly.</summary>
    private static async Task Until(CancellationToken stop, Func<Task> step)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await step();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>What the server counts as held in memory (tables, uploads arriving, caches): tsvlive_bytes_in_memory.</summary>
    private async Task<long> HeldBytesAsync()
    {
        await Task.Delay(1000, cancellationToken); // the metrics exporter answers from a short-lived cache
        var metrics = await _http.GetStringAsync("/metrics", cancellationToken);
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("tsvlive_bytes_in_memory", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("The server's /metrics has no tsvlive_bytes_in_memory.");
        return (long)double.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture);
    }
}
