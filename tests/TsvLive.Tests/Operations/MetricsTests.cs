using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Tables;
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

    /// <summary>The value of the first sample of <paramref name="metric"/> (with or without labels).</summary>
    private static double Value(string text, string metric)
    {
        var match = Regex.Match(text, $@"^{metric}(\{{[^}}]*\}})? (\S+)", RegexOptions.Multiline);
        Assert.True(match.Success, $"{metric} is not in /metrics:\n{text[..Math.Min(text.Length, 3000)]}");
        return double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
