using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Operations;

/// <summary>
/// /metrics of the app as its own process: in this test process many servers run at once, and
/// meters are seen by name across a process, so one server's /metrics could show another's gauges.
/// </summary>
public sealed class MetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MetricsAreServedOnlyToTheNetworksTheOperatorNames()
    {
        // Through a known proxy, a client from the internet: refused under the default networks.
        await using (var proxied = new TsvLiveFactory().With("TsvLive:KnownProxies:0", "127.0.0.1"))
        {
            using var http = proxied.CreateHttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics", Ct)).StatusCode);
            var outside = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            outside.Headers.Add("X-Forwarded-For", "203.0.113.7");
            await (await http.SendAsync(outside, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden, Ct, "metrics-forbidden");
            var office = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            office.Headers.Add("X-Forwarded-For", "192.168.1.20");
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(office, Ct)).StatusCode);
        }

        // Named networks replace the defaults: here loopback itself is not among them.
        await using var strict = new TsvLiveFactory().With("TsvLive:MetricsNetworks:0", "10.1.0.0/16");
        using var local = strict.CreateHttpClient();
        await (await local.GetAsync("/metrics", Ct)).AssertProblemAsync(HttpStatusCode.Forbidden, Ct, "metrics-forbidden");
    }

    [Fact]
    public async Task MetricsSayWhatTheServerHoldsAndDidInPrometheusTextFormat()
    {
        await using var app = await AppProcess.StartAsync("", Ct);
        using var http = app.CreateHttpClient();
        var created = await (await http.PostAsync("/api/tables?name=m.tsv", new ByteArrayContent(Tsv.Numbered(50)), Ct)).Content.ReadFromJsonAsync<TableCreated>(Ct);
        (await http.GetAsync($"/api/tables/{created!.Id}/rows?page=1", Ct)).EnsureSuccessStatusCode();
        await using var hub = await LoadTool.Hub.ConnectAsync(app.Address, messagePack: false, Ct);
        await hub.InvokeAsync<TableInfo>("Watch", created.Id, Ct).WithTimeout();
        await hub.InvokeAsync<TablePage>("GetPage", created.Id, 1, 10, Ct).WithTimeout();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/tables/AAAAAAAAAAAAAAAAAAAAAA", Ct)).StatusCode);

        var response = await http.GetAsync("/metrics", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.True(Value(text, "tsvlive_tables_in_memory") >= 1);
        Assert.True(Value(text, "tsvlive_bytes_in_memory_bytes") >= Tsv.Numbered(50).Length);
        Assert.True(Value(text, "tsvlive_watchers") >= 1);
        Assert.True(Value(text, "tsvlive_uploads_total") >= 1);
        Assert.True(Value(text, "tsvlive_upload_bytes_total") >= Tsv.Numbered(50).Length);
        Assert.True(Value(text, "tsvlive_page_reads_total") >= 2);
        Assert.Contains("tsvlive_page_read_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("tsvlive_upload_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Matches(@"tsvlive_refusals_total\{[^}]*reason=""table-not-found""", text);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DurationsHaveSecondSizedBucketsAndTheRuntimeAndProcessAreMeasuredUnderTheServicesName()
    {
        await using var app = await AppProcess.StartAsync("", Ct);
        using var http = app.CreateHttpClient();
        var created = await (await http.PostAsync("/api/tables?name=m.tsv", new ByteArrayContent(Tsv.Numbered(50)), Ct)).Content.ReadFromJsonAsync<TableCreated>(Ct);
        for (var i = 0; i < 5; i++)
        {
            (await http.GetAsync($"/api/tables/{created!.Id}/rows?page=1", Ct)).EnsureSuccessStatusCode();
        }

        var text = await http.GetStringAsync("/metrics", Ct);

        // A page of 50 short rows takes well under 10 ms once compiled: it lands in a bucket below 10 ms, not in le="5" (seconds).
        Assert.Contains(Buckets(text, "tsvlive_page_read_duration_seconds"), b => b.Le < 0.01 && b.Count >= 1);
        Assert.Contains(Buckets(text, "tsvlive_upload_duration_seconds"), b => b.Le <= 1 && b.Count >= 1);
        Assert.Matches("target_info\\{[^}]*service_name=\"tsvlive\"", text);
        Assert.True(Value(text, "dotnet_gc_heap_total_allocated_bytes_total") > 0);
        Assert.True(Value(text, "dotnet_thread_pool_thread_count_total") >= 1);
        Assert.True(Value(text, "process_memory_usage_bytes") > 0);
        Assert.True(Value(text, "process_cpu_time_seconds_total") > 0);
    }

    /// <summary>A histogram's buckets: upper bound and cumulative count.</summary>
    private static List<(double Le, double Count)> Buckets(string text, string histogram) =>
        [.. Regex.Matches(text, $"^{histogram}_bucket\\{{[^}}]*le=\"([^\"]+)\"\\}} (\\S+)", RegexOptions.Multiline)
            .Where(m => m.Groups[1].Value != "+Inf")
            .Select(m => (Number(m.Groups[1].Value), Number(m.Groups[2].Value)))];

    private static double Number(string text) => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The value of the first sample of <paramref name="metric"/> (with or without labels).</summary>
    private static double Value(string text, string metric)
    {
        var match = Regex.Match(text, $@"^{metric}(\{{[^}}]*\}})? (\S+)", RegexOptions.Multiline);
        Assert.True(match.Success, $"{metric} is not in /metrics:\n{text[..Math.Min(text.Length, 3000)]}");
        return double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
