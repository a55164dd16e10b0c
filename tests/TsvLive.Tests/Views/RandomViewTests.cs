using System.Globalization;
using System.Net.Http.Json;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Views;

/// <summary>Random tables of every type and random views, each compared with <see cref="ViewReference"/>.</summary>
public sealed class RandomViewTests(TsvLiveFactory factory) : IClassFixture<TsvLiveFactory>
{
    private static readonly string[] s_words = ["apple", "Apple", "ápple", "Banana", "banana", "Zoë", "zoe", "Straße", "strasse", "a b", "a:b", "10", "9", "éclair", "Eclair"];
    private static readonly string[] s_kinds = ["integer", "number", "date", "boolean", "text"];
    private static readonly string[] s_operators = ["eq", "ne", "contains", "starts", "lt", "le", "gt", "ge", "empty", "nonempty"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task RandomViewsOfRandomTablesMatchTheReference(int seed)
    {
        var random = new Random(seed);
        var kinds = Enumerable.Range(0, random.Next(2, 6)).Select(_ => s_kinds[random.Next(s_kinds.Length)]).ToArray();
        var rows = Enumerable.Range(0, random.Next(1, 120)).Select(_ => kinds.Select(k => random.Next(5) == 0 ? "" : Cell(k, random)).ToArray()).ToArray();
        var header = kinds.Select((k, i) => $"{k}{i}").ToArray();
        var created = await factory.CreateTableAsync(Tsv.Utf8(string.Join('\n', new[] { header }.Concat(rows).Select(r => string.Join('\t', r))) + "\n"), Ct);
        var types = Enumerable.Range(0, kinds.Length).Select(c => ViewReference.TypeOf(rows.Select(r => r[c]))).ToArray();
        Assert.Equal(types, created.ColumnTypes);
        using var http = factory.CreateHttpClient();

        for (var view = 0; view < 40; view++)
        {
            var sort = Enumerable.Range(0, kinds.Length).OrderBy(_ => random.Next()).Take(random.Next(0, 3))
                .Select(c => random.Next(2) == 0 ? $"{c + 1}" : $"{c + 1}:desc").ToArray();
            var filter = Enumerable.Range(0, random.Next(0, 3)).Select(_ => Filter(types, rows, random)).ToArray();
            var q = random.Next(4) == 0 ? s_words[random.Next(s_words.Length)] is var w && w.Length > 2 ? w[..2] : w : null;
            var query = string.Join('&', sort.Select(s => $"sort={s}").Concat(filter.Select(f => $"filter={Uri.EscapeDataString(f)}"))
                .Concat(q is null ? [] : [$"q={Uri.EscapeDataString(q)}"]).Append("pageSize=1000"));

            var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows?{query}", Ct);

            var expected = ViewReference.RowNumbers(rows, types, sort, filter, q);
            Assert.True(expected.SequenceEqual(page!.RowNumbers), $"seed {seed}, view {view}: {query}\nexpected {string.Join(",", expected)}\ngot      {string.Join(",", page.RowNumbers)}");
        }
    }

    private static string Cell(string kind, Random random) => kind switch
    {
        "integer" => random.Next(-20, 20).ToString(CultureInfo.InvariantCulture),
        "number" => random.Next(4) == 0 ? $"{random.Next(0, 5)}.50" : (random.Next(-300, 300) / 10.0).ToString(CultureInfo.InvariantCulture),
        "date" => new DateTime(2023, 1, 1).AddDays(random.Next(0, 500)).AddMinutes(random.Next(3) == 0 ? random.Next(0, 1440) : 0) is var d && d.TimeOfDay == TimeSpan.Zero
            ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : d.ToString(random.Next(2) == 0 ? "yyyy-MM-dd'T'HH:mm" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        "boolean" => new[] { "true", "false", "TRUE", "False" }[random.Next(4)],
        _ => s_words[random.Next(s_words.Length)],
    };

    /// <summary>A filter that fits the column's type (an existing cell as the value, so it sometimes matches).</summary>
    private static string Filter(string[] types, string[][] rows, Random random)
    {
        var column = random.Next(types.Length);
        var op = s_operators[random.Next(s_operators.Length)];
        if (op is "empty" or "nonempty")
        {
            return $"{column + 1}:{op}";
        }
        var cells = rows.Select(r => r[column]).Where(c => c.Length > 0).ToArray();
        var value = cells.Length == 0 || (op is "contains" or "starts") ? s_words[random.Next(s_words.Length)][..1] : cells[random.Next(cells.Length)];
        if (types[column] != "text" && op is not ("contains" or "starts") && cells.Length == 0)
        {
            return $"{column + 1}:nonempty";
        }
        return $"{column + 1}:{op}:{value}";
    }
}
