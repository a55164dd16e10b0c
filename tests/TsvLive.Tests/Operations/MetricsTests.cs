using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Tables;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Operations;

public sealed class MetricsTests(TsvLiveFactory factory) : IClassFixture<TsvLiveFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MetricsSayWhatTheServerHoldsAndDidInPrometheusTextFormat()
    {
        using var http = factory.CreateHttpClient();
        var created = await factory.CreateTableAsync(Tsv.Numbered(50), Ct);
        (await http.GetAsync($"/api/tables/{created.Id}/rows?page=1", Ct)).EnsureSuccessStatusCode();
        await using var hub = await factory.ConnectHubAsync(Ct);
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
