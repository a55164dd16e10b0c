using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Tables.Views;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Views;

/// <summary>Column stats against a reference computed here from the same cells.</summary>
public sealed class ColumnStatsTests(TsvLiveFactory factory) : IClassFixture<TsvLiveFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachColumnsStatsMatchTheReference()
    {
        var rows = ViewTests.Rows;
        var file = Tsv.Utf8(string.Join('\n', new[] { ViewTests.Header }.Concat(rows).Select(r => string.Join('\t', r))) + "\n");
        var created = await factory.CreateTableAsync(file, Ct);
        using var http = factory.CreateHttpClient();
        for (var column = 0; column < ViewTests.Header.Length; column++)
        {
            var type = created.ColumnTypes[column];
            var stats = (await http.GetFromJsonAsync<JsonElement>($"/api/tables/{created.Id}/columns/{column + 1}", Ct));
            var cells = rows.Select(r => r[column]).ToList();
            var values = cells.Where(c => c.Length > 0).ToList();
            Func<string, object> key = type == "text" ? c => c : c => Typed(c, type);

            Assert.Equal(column + 1, stats.GetProperty("column").GetInt32());
            Assert.Equal(ViewTests.Header[column], stats.GetProperty("name").GetString());
            Assert.Equal(type, stats.GetProperty("type").GetString());
            Assert.Equal(values.Count, stats.GetProperty("count").GetInt64());
            Assert.Equal(cells.Count - values.Count, stats.GetProperty("empty").GetInt64());
            Assert.Equal(values.Select(key).Distinct().Count(), stats.GetProperty("distinct").GetInt64());
            Assert.False(stats.GetProperty("distinctIsEstimate").GetBoolean());
            // Min and max by the type's order; of equal values, the first in the file.
            int Compare(string a, string b) => type == "text" ? StringComparer.InvariantCultureIgnoreCase.Compare(a, b) : ((double)key(a)).CompareTo((double)key(b));
            var lowest = values.Aggregate((a, b) => Compare(b, a) < 0 ? b : a);
            var highest = values.Aggregate((a, b) => Compare(b, a) > 0 ? b : a);
            Assert.Equal(lowest, stats.GetProperty("min").GetString());
            Assert.Equal(highest, stats.GetProperty("max").GetString());
            if (type is "integer" or "number")
            {
                Assert.Equal(values.Average(v => (double)key(v)), stats.GetProperty("mean").GetDouble(), 9);
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, stats.GetProperty("mean").ValueKind);
            }
            var top = values.Select((v, i) => (Value: v, Key: key(v), Index: i)).GroupBy(v => v.Key)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Min(v => v.Index)).Take(10)
                .Select(g => (g.OrderBy(v => v.Index).First().Value, (long)g.Count())).ToList();
            Assert.Equal(top, stats.GetProperty("top").EnumerateArray().Select(t => (t.GetProperty("value").GetString()!, t.GetProperty("count").GetInt64())).ToList());
            if (type is "integer" or "number" or "date")
            {
                // Twenty bins of equal width from min to max (one when they are equal); each value in the
                // bin whose [from, to) holds it, the max in the last.
                var bins = stats.GetProperty("histogram").EnumerateArray().ToList();
                var keys = values.Select(v => (double)key(v)).ToList();
                var (low, high) = (keys.Min(), keys.Max());
                Assert.Equal(high > low ? 20 : 1, bins.Count);
                var width = (high - low) / bins.Count;
                var expected = new long[bins.Count];
                foreach (var k in keys)
                {
                    var bin = width == 0 ? 0 : (int)Math.Floor((k - low) / width);
                    expected[Math.Min(bin, bins.Count - 1)]++;
                }
                Assert.Equal(expected, bins.Select(b => b.GetProperty("count").GetInt64()));
                if (type is "integer" or "number")
                {
                    Assert.Equal(low, bins[0].GetProperty("from").GetDouble(), 9);
                    Assert.Equal(low + width, bins[0].GetProperty("to").GetDouble(), 9);
                    Assert.Equal(high, bins[^1].GetProperty("to").GetDouble(), 9);
                }
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, stats.GetProperty("histogram").ValueKind);
            }
        }
    }

    [Fact]
    public async Task TheHubGivesTheSameStatsAndABadColumnIsA400()
    {
        var created = await factory.CreateTableAsync(Tsv.Numbered(30), Ct);
        await using var hub = await factory.ConnectHubAsync(Ct);

        var stats = await hub.InvokeAsync<ColumnStats>("GetColumnStats", created.Id, 3, Ct).WithTimeout();

        Assert.Equal(("integer", 30L, "10", "300", 155.0), (stats.Type, stats.Count, stats.Min, stats.Max, stats.Mean));
        using var http = factory.CreateHttpClient();
        foreach (var bad in new[] { "0", "4", "x" })
        {
            await (await http.GetAsync($"/api/tables/{created.Id}/columns/{bad}", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest, Ct, "invalid-page-request");
        }
        await (await http.GetAsync("/api/tables/AAAAAAAAAAAAAAAAAAAAAA/columns/1", Ct)).AssertProblemAsync(HttpStatusCode.NotFound, Ct, "table-not-found");
    }

    [Fact]
    public async Task EveryBinOfAHistogramCountsTheValuesBetweenItsBounds()
    {
        // 0 .. 99 in twenty bins of width 4.95: five values in each.
        var file = Tsv.Utf8("n\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"{i}\n")));
        var created = await factory.CreateTableAsync(file, Ct);
        using var http = factory.CreateHttpClient();

        var stats = await http.GetFromJsonAsync<ColumnStats>($"/api/tables/{created.Id}/columns/1", Ct);

        Assert.Equal(Enumerable.Repeat(5L, 20), stats!.Histogram!.Select(b => b.Count));
        Assert.Equal(4.95, ((JsonElement)stats.Histogram![1].From).GetDouble(), 9);
    }

    [Fact]
    public async Task HistogramBoundsReadAsDecimalNumbersWithoutFloatingPointNoise()
    {
        // 0.05 .. 10.2 in twenty bins of width 0.5075: computed, bound 4 is 2.0799999999999996 and bound 19 9.692499999999999.
        var file = Tsv.Utf8("n\n0.05\n10.2\n5\n");
        var created = await factory.CreateTableAsync(file, Ct);
        using var http = factory.CreateHttpClient();

        var json = await http.GetStringAsync($"/api/tables/{created.Id}/columns/1", Ct);

        Assert.DoesNotMatch(@"\d\.\d*(0000000|9999999)\d", json);
        Assert.Contains("\"from\":2.08,", json, StringComparison.Ordinal);
        Assert.Contains("\"from\":9.185,\"to\":9.6925,", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADayThatDoesNotExistMakesItsColumnTextAndTheUploadSucceeds()
    {
        var created = await factory.CreateTableAsync(Tsv.Utf8("day\n2023-02-28\n2023-02-30\n"), Ct);

        Assert.Equal(["text"], created.ColumnTypes);
        using var http = factory.CreateHttpClient();
        var page = await http.GetFromJsonAsync<JsonElement>($"/api/tables/{created.Id}/rows?sort=1:desc", Ct);
        Assert.Equal("2023-02-30", page.GetProperty("rows")[0][0].GetString());
    }

    private static double Typed(string cell, string type) => type switch
    {
        "date" => DateTimeOffset.Parse(cell, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcTicks,
        "boolean" => bool.Parse(cell) ? 1 : 0,
        _ => double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task ColumnStatsCountTheirWorkingMemoryAndEstimateWhenItRunsOut()
    {
        // The view caches' room is half of 20 MB; 300,000 distinct texts take about 30 MB to count.
        await using var app = new TsvLiveFactory().With("TsvLive:MaxBytesInMemory", "20000000").With("TsvLive:MaxBytesInMemoryShare", "0.5");
        var text = new System.Text.StringBuilder("n\tname\n");
        for (var i = 0; i < 300_000; i++)
        {
            text.Append(i).Append("\tdistinct name ").Append(i).Append('\n');
        }
        var created = await app.CreateTableAsync(Tsv.Utf8(text.ToString()), TestContext.Current.CancellationToken);
        var heldBefore = app.Budget.Held;
        using var http = app.CreateHttpClient();

        var stats = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/tables/{created.Id}/columns/2", TestContext.Current.CancellationToken);

        Assert.True(stats.GetProperty("distinctIsEstimate").GetBoolean());
        var distinct = stats.GetProperty("distinct").GetInt64();
        Assert.InRange(distinct, 270_000, 300_000);
        // What counting held is given back; only the kept stats stay.
        Assert.True(app.Budget.Held - heldBefore <= 4096, $"{app.Budget.Held - heldBefore} bytes still held after the stats");
    }
}
