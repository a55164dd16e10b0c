using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Views;

/// <summary>
/// Views and stats of a table that grows (rows appended between asks), each compared with
/// <see cref="ViewReference"/>: over the rows as they were when the table's views last moved on while
/// less than a second has passed, then over every row (a fake clock moves the second on). A number
/// column's typed values are extended with the appended rows' (read alone), unless its type changed.
/// </summary>
public sealed class GrowingTableViewTests
{
    private static readonly string[] s_words = ["apple", "Apple", "Banana", "banana", "Zoë", "zoe", "a b", "10", "9", "éclair"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ViewsOfAGrowingTableAreOfItsRowsOfASecondAgoAtMostAndMatchTheReference(int seed)
    {
        var random = new Random(seed);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new TsvLiveFactory().WithClock(clock);
        using var http = app.CreateHttpClient();
        var rows = Rows(random, random.Next(20, 60));
        var created = await app.CreateTableAsync(Tsv.Utf8("integer\tnumber\ttext\n" + Lines(rows)), Ct);
        var basis = rows.ToList(); // the rows the table's views are computed over

        for (var batch = 0; batch < 6; batch++)
        {
            await AssertViewsAsync(http, created.Id, basis, random, $"seed {seed}, batch {batch}");

            var appended = Rows(random, random.Next(1, 40));
            if (batch is 3 or 4)
            {
                // The integer column becomes a number column, then text: its typed values are read again, not extended.
                appended[0][0] = batch == 3 ? "2.5" : "n/a";
            }
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tables/{created.Id}/rows") { Content = new ByteArrayContent(Tsv.Utf8(Lines(appended))) };
            request.Headers.Add("X-Edit-Key", created.EditKey);
            (await http.SendAsync(request, Ct)).EnsureSuccessStatusCode();
            rows.AddRange(appended);

            // Within the second: the views asked before are still of the rows they were computed over.
            await AssertViewsAsync(http, created.Id, basis, random, $"seed {seed}, batch {batch}, within the second");
            var plain = (await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows?pageSize=1000", Ct))!;
            Assert.Equal(rows.Count, plain.Rows.Count); // a page of the table itself is always of every row

            clock.Advance(TimeSpan.FromSeconds(1));
            basis = rows.ToList();
        }
        await AssertViewsAsync(http, created.Id, basis, random, $"seed {seed}, at the end");
    }

    private static async Task AssertViewsAsync(HttpClient http, string id, List<string[]> rows, Random random, string because)
    {
        var types = Enumerable.Range(0, 3).Select(c => ViewReference.TypeOf(rows.Select(r => r[c]))).ToArray();
        foreach (var (sort, filter, q) in Views(random))
        {
            var query = string.Join('&', sort.Select(s => $"sort={s}").Concat(filter.Select(f => $"filter={Uri.EscapeDataString(f)}"))
                .Concat(q is null ? [] : [$"q={Uri.EscapeDataString(q)}"]).Append("pageSize=1000"));
            var page = (await http.GetFromJsonAsync<TablePage>($"/api/tables/{id}/rows?{query}", Ct))!;
            var expected = ViewReference.RowNumbers(rows, types, sort, filter, q);
            Assert.True(expected.SequenceEqual(page.RowNumbers), $"{because}: {query}\nexpected {string.Join(",", expected)}\ngot      {string.Join(",", page.RowNumbers)}");
        }
        var column = random.Next(3);
        var stats = await http.GetFromJsonAsync<JsonElement>($"/api/tables/{id}/columns/{column + 1}", Ct);
        Assert.Equal(rows.Count(r => r[column].Length > 0), stats.GetProperty("count").GetInt64());
        Assert.Equal(rows.Count(r => r[column].Length == 0), stats.GetProperty("empty").GetInt64());
    }

    /// <summary>The same views each time (so the ones asked before an append are asked again), and one more at random.</summary>
    private static IEnumerable<(string[] Sort, string[] Filter, string? Q)> Views(Random random)
    {
        yield return (["1:desc"], [], null);
        yield return (["3", "2:desc"], [], null);
        yield return ([], ["2:gt:0"], null);
        yield return (["1"], ["3:contains:a"], "an");
        var column = random.Next(3) + 1;
        yield return ([$"{column}"], [$"{random.Next(3) + 1}:nonempty"], random.Next(2) == 0 ? "e" : null);
    }

    private static List<string[]> Rows(Random random, int count) =>
    [
        .. Enumerable.Range(0, count).Select(_ => new[]
        {
            random.Next(6) == 0 ? "" : random.Next(-50, 50).ToString(CultureInfo.InvariantCulture),
            random.Next(6) == 0 ? "" : (random.Next(-300, 300) / 10.0).ToString("0.0", CultureInfo.InvariantCulture),
            random.Next(6) == 0 ? "" : s_words[random.Next(s_words.Length)],
        }),
    ];

    private static string Lines(IEnumerable<string[]> rows)
    {
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.Append(string.Join('\t', row)).Append('\n');
        }
        return text.ToString();
    }
}
