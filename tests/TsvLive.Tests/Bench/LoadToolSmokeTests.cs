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
        await using var app = new TsvLiveFactory().WithProductionLimits();
        foreach (var (key, value) in ServerProcess.Settings)
        {
            app.With(key, value);
        }
        await using var server = ServerProcess.Existing(app.ServerAddress);
        using var report = new StringWriter();

        await new Scenarios(server, LoadScale.Smoke, report, Ct).RunAsync(["uploads", "memory", "pages", "fanout", "huge", "flood"]).WithTimeout(TimeSpan.FromMinutes(2));

        var text = report.ToString();
        Assert.Contains("| hub, MessagePack |", text, StringComparison.Ordinal);
        Assert.Contains("| HTTP POST |", text, StringComparison.Ordinal);
        Assert.Contains("- one client: p50", text, StringComparison.Ordinal);
        Assert.Contains($"- {LoadScale.Smoke.ConcurrentClients} concurrent clients: p50", text, StringComparison.Ordinal);
        Assert.Contains($"{LoadScale.Smoke.Watchers[0]} of {LoadScale.Smoke.Watchers[0]} got TableReplaced", text, StringComparison.Ordinal);
        Assert.Contains("- replacement: version 2", text, StringComparison.Ordinal);
        Assert.Contains("- the same during the flood: p50", text, StringComparison.Ordinal);
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
}
