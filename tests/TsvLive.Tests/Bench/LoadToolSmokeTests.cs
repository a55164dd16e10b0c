using TsvLive.LoadTool;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Bench;

/// <summary>
/// The load tool behind docs/benchmarks.md must keep running: every scenario, at a tiny size, against
/// a server with the production limits plus exactly the settings the tool gives its own server.
/// </summary>
public sealed class LoadToolSmokeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryLoadToolScenarioRunsAgainstTheSettingsTheToolGivesItsServer()
    {
        await using var app = ToolServer();
        await using var server = ServerProcess.Existing(app.ServerAddress);
        using var report = new StringWriter();

        await new Scenarios(server, LoadScale.Smoke, report, Ct).RunAsync(["uploads", "memory", "pages", "fanout", "huge", "flood"]).WithTimeout(TimeSpan.FromMinutes(2));

        var text = report.ToString();
        Assert.Contains("| hub, MessagePack |", text, StringComparison.Ordinal);
        Assert.Contains("| HTTP POST |", text, StringComparison.Ordinal);
        Assert.Contains("- one client, hub JSON: p50", text, StringComparison.Ordinal);
        Assert.Contains("- one client, hub MessagePack: p50", text, StringComparison.Ordinal);
        Assert.Contains("- one client, HTTP GET /rows (keep-alive): p50", text, StringComparison.Ordinal);
        Assert.Contains("- the viewer has page 1 of the new version", text, StringComparison.Ordinal);
        Assert.Contains($"- {LoadScale.Smoke.ConcurrentClients} concurrent clients: p50", text, StringComparison.Ordinal);
        Assert.Contains($"{LoadScale.Smoke.Watchers[0]} of {LoadScale.Smoke.Watchers[0]} got TableReplaced", text, StringComparison.Ordinal);
        Assert.Contains("- replacement: version 2", text, StringComparison.Ordinal);
        Assert.Contains("- the same during the flood: p50", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheViewScenarioAndItsDuckDbComparisonTheMixedLoadTheExportsTheChangesAndTheAppendsRun()
    {
        // As its own process, as the tool starts it: the mixed load reads the server's /metrics, which in
        // this test process would also see other hosts' meters of the same name.
        await using var server = await ServerProcess.StartAsync(Ct, new Dictionary<string, string> { ["TsvLive:DataDirectory"] = "" }, Path.Combine(AppContext.BaseDirectory, "TsvLive.dll"));
        using var report = new StringWriter();

        await new ViewScenarios(server, LoadScale.Smoke, report, Ct).RunAsync().WithTimeout(TimeSpan.FromMinutes(2));
        await new MixedLoadScenario(server, LoadScale.Smoke, report, Ct).RunAsync().WithTimeout(TimeSpan.FromMinutes(2));
        await new ExportScenario(server, LoadScale.Smoke, report, Ct).RunAsync(repeats: 1).WithTimeout(TimeSpan.FromMinutes(2));
        await new ChangesScenario(server, LoadScale.Smoke, report, Ct).RunAsync(repeats: 1).WithTimeout(TimeSpan.FromMinutes(2));
        await new AppendScenario(server, watchers: 3, report, Ct).RunAsync(records: 3, sustained: TimeSpan.FromSeconds(1), viewRows: 5_000).WithTimeout(TimeSpan.FromMinutes(2));

        var text = report.ToString();
        Assert.Contains("- filter `gt` on a number column (amount), cold:", text, StringComparison.Ordinal);
        Assert.Matches(@"## DuckDB v1\.\d+", text);
        Assert.Contains("- find across all columns, a rare word", text, StringComparison.Ordinal);
        Assert.Matches(@"## Memory under 3 s of mixed load \([1-9]\d* replacements", text);
        Assert.Matches(@"\| xlsx \| \d+\.\d\d \| \d+ \| \d+\.\d\d \|", text);
        Assert.Matches(@"\| format=csv \| \d+\.\d \|", text);
        Assert.Matches(@"\| 1 MB \| [\d,]+ \| key:1 \| [1-9][\d,]* \|", text);
        Assert.Matches(@"\| 1 MB \| [\d,]+ \| content \| [1-9][\d,]* \|", text);
        Assert.Matches(@"\| key:1 \| [\d,]+ \| [1-9][\d,]* \| \d+\.\d \|", text);
        // (Records a busy machine sends close together may share one RowsAppended: n is at most 9; every page asked had its record.)
        Assert.Matches(@"- one record on an open stream → RowsAppended at each of 3 watchers on the same instance: p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms \(n = [1-9]\); the last page asked of it right after had the record ([1-3]) times of \1\b", text);
        Assert.Matches(@"- a sorted view \(a number column, descending\) of a 5,000-row table while 1,000 records/s arrive, 10 viewers asking for its first page once a second: p50 [\d.]+ ms", text);
        Assert.Matches(@"- sustained stream, 10 columns, 3 watchers .*: [1-9][\d,]* records", text);
        Assert.Matches(@"- many small appends, one record per request, 10 producers on 10 tables: [1-9][\d,]* requests", text);
    }

    [Fact]
    public async Task TheBrowserUploadRunsInChromium()
    {
        Installed.Require(BrowserScenario.ChromiumPath, "apt-get install chromium, or set TSVLIVE_CHROMIUM");
        await using var app = ToolServer();
        await using var server = ServerProcess.Existing(app.ServerAddress);
        using var report = new StringWriter();

        await new BrowserScenario(server, LoadScale.Smoke, report).RunAsync(repeats: 1).WithTimeout(TimeSpan.FromMinutes(2));

        Assert.Matches(@"- from choosing the file: first rows on screen after \d+ ms, the whole table \([\d,]+ rows\) after \d+\.\d\d s", report.ToString());
    }

    [Fact]
    public async Task TheTutorialAppReferenceRunsInDebiansPython()
    {
        Installed.Require("/usr/lib/python3/dist-packages/tornado/__init__.py", "apt-get install python3-tornado");
        using var report = new StringWriter();

        await new TutorialAppScenario(LoadScale.Smoke, report, Ct).RunAsync(repeats: 1).WithTimeout(TimeSpan.FromMinutes(1));

        var text = report.ToString();
        Assert.Matches(@"- the viewer has page 1 of the new file \d+ ms after the message was sent", text);
        Assert.Matches($@"- {LoadScale.Smoke.Watchers[0]} viewers connected, each with the current page, in [\d.]+ s; the page of a new small file reached them: p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms \(n = {LoadScale.Smoke.Watchers[0]}\)", text);
    }

    [Fact]
    public async Task TheClusterScenarioRunsOnARealRedisWithTwoServerProcesses()
    {
        _ = Installed.RedisServer;
        using var report = new StringWriter();

        await new ClusterScenarios(LoadScale.Smoke, report, Ct, Path.Combine(AppContext.BaseDirectory, "TsvLive.dll")).RunAsync().WithTimeout(TimeSpan.FromMinutes(2));

        var text = report.ToString();
        Assert.Contains("% of the single-instance speed", text, StringComparison.Ordinal);
        Assert.Contains("(cold on B), 3 tables:", text, StringComparison.Ordinal);
        Assert.Contains($"{LoadScale.Smoke.Watchers[0]:N0} watchers ({LoadScale.Smoke.Watchers[0] / 2:N0} on A", text, StringComparison.Ordinal);
        Assert.Contains($"(n = {LoadScale.Smoke.Watchers[0] * LoadScale.Smoke.NoticeRounds})", text, StringComparison.Ordinal);
        Assert.Matches($@"- one record on an open stream → RowsAppended at each of {LoadScale.Smoke.Watchers[0]} watchers on another instance \(Redis\): p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms \(n = \d+\); the last page asked of it right after had the record ([1-9]) times of \1\b", text);
    }

    [Fact]
    public async Task TheOfficeScenarioRunsOnAServerWithTheShippedPerAddressLimits()
    {
        using var report = new StringWriter();

        await new OfficeScenario(LoadScale.Smoke.OfficeViewers, report, Ct, Path.Combine(AppContext.BaseDirectory, "TsvLive.dll")).RunAsync().WithTimeout(TimeSpan.FromMinutes(2));

        var text = report.ToString();
        Assert.Contains($"- got in (watching, first page read): **{LoadScale.Smoke.OfficeViewers} of {LoadScale.Smoke.OfficeViewers}**, refused 0", text, StringComparison.Ordinal);
        Assert.Contains($"- heard of a replacement: {LoadScale.Smoke.OfficeViewers},", text, StringComparison.Ordinal);
        Assert.Contains($"still connected afterwards: {LoadScale.Smoke.OfficeViewers}", text, StringComparison.Ordinal);
    }

    /// <summary>A server with the production limits plus exactly the settings the tool gives its own server.</summary>
    private static TsvLiveFactory ToolServer()
    {
        var app = new TsvLiveFactory().WithProductionLimits();
        foreach (var (key, value) in ServerProcess.Settings)
        {
            app.With(key, value);
        }
        return app;
    }
}
