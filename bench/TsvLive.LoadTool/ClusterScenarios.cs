using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Benchmarks;

namespace TsvLive.LoadTool;

/// <summary>
/// The scale-out figures of docs/benchmarks.md: two server processes (A and B) on one redis-server
/// (Debian's, started here on a free loopback port with append-only persistence), and one server
/// without Redis in the same run for the upload speed and notice times they are compared with.
/// </summary>
/// <param name="serverDll">The server build to start (default: the Release build of src/TsvLive).</param>
internal sealed class ClusterScenarios(LoadScale scale, TextWriter report, CancellationToken cancellationToken, string? serverDll = null)
{
    /// <summary>Rounds not counted: the first replacements on fresh servers pay for JIT and connection set-up.</summary>
    private const int Warmup = 3;

    public async Task RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("tsvlive-load-redis-");
        var redisPort = ServerProcess.FreePort();
        using var redis = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", redisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", folder.FullName, "--appendonly", "yes", "--save", ""])
        { RedirectStandardOutput = true }) ?? throw new InvalidOperationException("redis-server did not start.");
        try
        {
            await Task.Delay(500, cancellationToken);
            // Beyond ServerProcess.Settings: hundreds of replacements a minute from one address, which the latency rounds send.
            var onRedis = new Dictionary<string, string> { ["ConnectionStrings:Redis"] = $"127.0.0.1:{redisPort}", ["TsvLive:UploadsPerMinute"] = "100000" };
            await using var a = await ServerProcess.StartAsync(cancellationToken, onRedis, serverDll);
            await using var b = await ServerProcess.StartAsync(cancellationToken, onRedis, serverDll);
            Line($"## Two instances on Redis (A {a.Address}, B {b.Address})");
            // Its own data directory: two processes on one directory would each expire and budget the other's tables.
            await using (var single = await ServerProcess.StartAsync(cancellationToken,
                new Dictionary<string, string> { ["TsvLive:UploadsPerMinute"] = "100000", ["TsvLive:DataDirectory"] = Path.Combine(folder.FullName, "single") }, serverDll))
            {
                await UploadSpeedAsync(single, a);
                Line("- for comparison, the same notices from one instance without Redis (all watchers on it):");
                await ReplaceToWatcherAsync(single, single, watchersEach: scale.Watchers[0] / 2, rounds: scale.NoticeRounds);
            }
            await ColdFirstPageAsync(a, b);
            await ReplaceToWatcherAsync(a, b, watchersEach: 1, rounds: scale.NoticeRounds * 5);
            await ReplaceToWatcherAsync(a, b, watchersEach: scale.Watchers[0] / 2, rounds: scale.NoticeRounds);
            // Rows appended through A, watched on B (issue 24's goal: p99 ≤ 250 ms through another instance).
            await new AppendScenario(a, Math.Min(100, scale.Watchers[0]), report, cancellationToken).RecordToWatchersAsync(b, records: scale.NoticeRounds);
        }
        finally
        {
            redis.Kill();
            await redis.WaitForExitAsync(CancellationToken.None);
            folder.Delete(recursive: true);
        }
    }

    /// <summary>HTTP uploads of the same file to one instance with its data directory and to one on Redis (3 each, median).</summary>
    private async Task UploadSpeedAsync(ServerProcess single, ServerProcess onRedis)
    {
        var file = GeneratedTsv.Realistic(scale.UploadBytes);
        var alone = new List<double>();
        var shared = new List<double>();
        for (var run = 0; run < 3; run++)
        {
            alone.Add(await TimeUploadAsync(single, file));
            shared.Add(await TimeUploadAsync(onRedis, file));
        }
        var (x, y) = (alone.Order().ElementAt(1), shared.Order().ElementAt(1));
        Line($"- upload of {file.Length / 1e6:0} MB over HTTP, median of 3: one instance (data directory) {x:0.00} s, " +
             $"{file.Length / 1e6 / x:0} MB/s; on Redis {y:0.00} s, {file.Length / 1e6 / y:0} MB/s: {x / y * 100:0}% of the single-instance speed");
    }

    private async Task<double> TimeUploadAsync(ServerProcess server, byte[] file)
    {
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(5) };
        var watch = Stopwatch.StartNew();
        (await http.PostAsync("/api/tables?name=speed.tsv", new ByteArrayContent(file), cancellationToken)).EnsureSuccessStatusCode();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>A table created on A, then its first page on B, which has never held it (read from Redis and indexed).</summary>
    private async Task ColdFirstPageAsync(ServerProcess a, ServerProcess b)
    {
        var file = GeneratedTsv.Realistic(scale.UploadBytes);
        var times = new List<double>();
        for (var run = 0; run < 3; run++)
        {
            var created = await CreateAsync(a, file);
            using var http = new HttpClient { BaseAddress = b.Address };
            var watch = Stopwatch.StartNew();
            (await http.GetAsync($"/api/tables/{created.Id}/rows?page=1", cancellationToken)).EnsureSuccessStatusCode();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        Line($"- first page on B of a {file.Length / 1e6:0} MB table created on A (cold on B), 3 tables: {string.Join(", ", times.Select(t => $"{t:0} ms"))}");
    }

    /// <summary>Replacements through A; the time from sending each PUT to TableReplaced at every watcher, half of them on A and half on B.</summary>
    private async Task ReplaceToWatcherAsync(ServerProcess a, ServerProcess b, int watchersEach, int rounds)
    {
        var created = await CreateAsync(a, GeneratedTsv.Rows(10));
        var received = new ConcurrentQueue<(int Version, long At, bool OnB)>();
        var everyoneHeard = new TaskCompletionSource[rounds + Warmup + 2];
        var heard = new int[rounds + Warmup + 2];
        for (var i = 0; i < everyoneHeard.Length; i++)
        {
            everyoneHeard[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        var connections = new List<HubConnection>();
        foreach (var (server, onB) in new[] { (a, false), (b, true) })
        {
            for (var i = 0; i < watchersEach; i++)
            {
                var connection = await Hub.ConnectAsync(server.Address, messagePack: true, cancellationToken);
                connection.On<TableInfo>("TableReplaced", info =>
                {
                    received.Enqueue((info.Version, Stopwatch.GetTimestamp(), onB));
                    if (Interlocked.Increment(ref heard[info.Version]) == 2 * watchersEach)
                    {
                        everyoneHeard[info.Version].TrySetResult();
                    }
                });
                await connection.InvokeAsync<TableInfo>("Watch", created.Id, cancellationToken);
                connections.Add(connection);
            }
        }
        using var http = new HttpClient { BaseAddress = a.Address };
        var all = new Latencies();
        var onBOnly = new Latencies();
        for (var round = 0; round < rounds + Warmup; round++)
        {
            // Replacements a moment apart, as people make them (back to back, each round would meet the last one's after-work).
            await Task.Delay(200, cancellationToken);
            var version = round + 2;
            var sent = Stopwatch.GetTimestamp();
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{created.Id}") { Content = new ByteArrayContent(GeneratedTsv.Rows(10 + round % 3)) };
            request.Headers.Add("X-Edit-Key", created.EditKey);
            (await http.SendAsync(request, cancellationToken)).EnsureSuccessStatusCode();
            await everyoneHeard[version].Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            if (round < Warmup)
            {
                continue;
            }
            foreach (var (_, at, onB) in received.Where(r => r.Version == version))
            {
                var ms = Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds;
                all.Add(ms);
                if (onB)
                {
                    onBOnly.Add(ms);
                }
            }
        }
        Line($"- {rounds} replacements through {(a == b ? "it" : "A")}, {2 * watchersEach:N0} watchers{(a == b ? "" : $" ({watchersEach:N0} on A, {watchersEach:N0} on B)")}, from sending the PUT to TableReplaced: " +
             (a == b ? $"{all}" : $"all {all}; on B {onBOnly}"));
        await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
    }

    private async Task<TableCreated> CreateAsync(ServerProcess server, byte[] file)
    {
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(5) };
        var response = await http.PostAsync("/api/tables?name=cluster.tsv", new ByteArrayContent(file), cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<TableCreated>(response.Content, cancellationToken))!;
    }

    private void Line(string text)
    {
        report.WriteLine(text);
        report.Flush();
    }
}
