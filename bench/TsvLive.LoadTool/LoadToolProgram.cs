using TsvLive.LoadTool;

/// <summary>
/// Measures a TsvLive server from outside, as users meet it (loopback only).
/// dotnet run -c Release --project bench/TsvLive.LoadTool -- [--server http://127.0.0.1:5180/] [--only uploads,memory,pages,fanout,huge,flood,views,viewflood,office,mixed,browser,export,changes,appends,tutorial,cluster] [--watchers 1000,10000] [--smoke] [--out results.md]
/// Without --server it starts the Release build of src/TsvLive as its own process (with <see cref="ServerProcess.Settings"/>)
/// and also reports its memory. --mixed-seconds N: the mixed load for N seconds instead of 180. --smoke runs every scenario at a tiny size, to check that each still runs. "tutorial" starts the reference app of bench/reference (Debian's python3-tornado). "cluster" starts its own
/// redis-server and two servers on it (not part of the default list: it needs redis-server); "office" starts its own server
/// with the per-address limits as shipped.
/// </summary>
internal static class LoadToolProgram
{
    public static async Task<int> Main(string[] args)
    {
        var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
            .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "");
        var only = options.TryGetValue("only", out var list) ? list.Split(',') : ["uploads", "memory", "pages", "fanout", "huge", "flood", "views", "viewflood", "office", "mixed", "browser", "export", "changes", "appends", "tutorial"];
        var scale = options.ContainsKey("smoke") ? LoadScale.Smoke : LoadScale.Full;
        if (options.TryGetValue("watchers", out var w))
        {
            scale = scale with { Watchers = w.Split(',').Select(int.Parse).ToArray() };
        }
        if (options.TryGetValue("mixed-seconds", out var mixed))
        {
            scale = scale with { MixedLoad = TimeSpan.FromSeconds(int.Parse(mixed, System.Globalization.CultureInfo.InvariantCulture)) };
        }
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));

        await using var server = options.TryGetValue("server", out var url)
            ? ServerProcess.Existing(new Uri(url))
            : await ServerProcess.StartAsync(cancel.Token);
        await using var output = options.TryGetValue("out", out var path) ? new StreamWriter(path) : null;
        var scenarios = new Scenarios(server, scale, (TextWriter?)output ?? Console.Out, cancel.Token);

        Console.WriteLine($"# TsvLive load test against {server.Address} ({Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        await scenarios.RunAsync(only);
        if (only.Contains("views"))
        {
            await new ViewScenarios(server, scale, (TextWriter?)output ?? Console.Out, cancel.Token).RunAsync();
        }
        if (only.Contains("viewflood"))
        {
            await new ViewScenarios(server, scale, (TextWriter?)output ?? Console.Out, cancel.Token).ViewFloodAsync();
        }
        if (only.Contains("office"))
        {
            await new OfficeScenario(scale.OfficeViewers, (TextWriter?)output ?? Console.Out, cancel.Token).RunAsync();
        }
        if (only.Contains("mixed"))
        {
            await new MixedLoadScenario(server, scale, (TextWriter?)output ?? Console.Out, cancel.Token).RunAsync();
        }
        if (only.Contains("browser"))
        {
            await new BrowserScenario(server, scale, (TextWriter?)output ?? Console.Out).RunAsync(repeats: 3);
        }
        if (only.Contains("export"))
        {
            await new ExportScenario(server, scale, (TextWriter?)output ?? Console.Out, cancel.Token).RunAsync(repeats: 3);
        }
        if (only.Contains("appends"))
        {
            await new AppendScenario(server, scale.Watchers[0] >= 100 ? 100 : scale.Watchers[0], (TextWriter?)output ?? Console.Out, cancel.Token)
                .RunAsync(records: scale == LoadScale.Smoke ? 5 : 40, sustained: scale == LoadScale.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10),
                    viewRows: scale == LoadScale.Smoke ? 10_000 : 1_000_000);
        }
        if (only.Contains("changes"))
        {
            await new ChangesScenario(server, scale, (TextWriter?)output ?? Console.Out, cancel.Token).RunAsync(repeats: 3);
        }
        if (only.Contains("tutorial"))
        {
            await new TutorialAppScenario(scale, (TextWriter?)output ?? Console.Out, cancel.Token).RunAsync(repeats: 3);
        }
        if (only.Contains("cluster"))
        {
            await new ClusterScenarios(scale, (TextWriter?)output ?? Console.Out, cancel.Token).RunAsync();
        }
        return 0;
    }
}
