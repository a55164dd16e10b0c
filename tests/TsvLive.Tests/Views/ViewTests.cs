using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Views;

/// <summary>Sort, filter and find over the whole table, against <see cref="ViewReference"/>, over HTTP and the hub.</summary>
public sealed class ViewTests(TsvLiveFactory factory) : IClassFixture<TsvLiveFactory>, IAsyncDisposable
{
    /// <summary>
    /// Every type, with empties, duplicates, accents, mixed case, 1.5 and 1.50, dates with and without
    /// times, and letters that .NET's ignore-case folds onto ASCII ones (ſ, ı: the filters' byte search must not miss them).
    /// </summary>
    public static readonly string[] Header = ["name", "count", "price", "when", "ok", "note"];

    public static readonly string[][] Rows =
    [
        ["Émile", "3", "1.5", "2024-01-02", "true", "a:b"],
        ["ann", "-2", "1.50", "2023-05-01T10:00", "False", ""],
        ["Bob", "", "10", "2024-01-01 09:30:15", "TRUE", "x"],
        ["bob", "10", "", "", "", "Straße"],
        ["zed", "3", "2.25e1", "2022-12-31T23:00:00Z", "false", "strasse"],
        ["", "0", "-0.5", "2024-01-01T00:00:00+02:00", "true", "10"],
        ["apple", "3", "1.5", "2023-05-01", "false", "9"],
        ["Apple", "7", "0", "2024-01-02", "true", "x y"],
        ["ſam", "5", "3", "2024-02-02", "TRUE", "ſtraße ık"],
    ];

    private static readonly string[] s_sorts =
    [
        "1", "1:desc", "2", "2:desc", "3", "3:desc", "4", "4:desc", "5", "5:desc", "6", "6:desc",
    ];

    private static readonly string[] s_filters =
    [
        "1:eq:bob", "1:ne:bob", "1:contains:PP", "1:starts:b", "1:lt:b", "1:ge:Bob", "1:empty", "1:nonempty",
        "2:eq:3", "2:ne:3", "2:lt:3", "2:le:3", "2:gt:0", "2:ge:-2", "2:empty", "2:nonempty", "2:contains:1",
        "3:eq:1.5", "3:eq:1.50", "3:gt:1.5", "3:le:10", "3:starts:1", "3:empty",
        "4:lt:2024-01-01", "4:ge:2023-05-01T10:00", "4:eq:2024-01-02", "4:gt:2023-12-31T22:00:00Z", "4:empty",
        "5:eq:true", "5:eq:FALSE", "5:ne:true", "5:lt:true", "5:nonempty",
        "6:contains:a", "6:eq:STRASSE", "6:gt:9", "6:starts:x", "6:empty", "6:contains::",
        "1:contains:SA", "1:starts:s", "1:contains:mil", "6:contains:st", "6:starts:ST", "6:contains:IK", "6:contains:ß",
    ];

    private readonly List<HubConnection> _connections = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] File => Tsv.Utf8(string.Join('\n', new[] { Header }.Concat(Rows).Select(r => string.Join('\t', r))) + "\n");

    [Fact]
    public async Task ColumnTypesAreTheNarrowestTypeOfEveryNonEmptyCell()
    {
        var created = await factory.CreateTableAsync(File, Ct);

        var expected = Enumerable.Range(0, Header.Length).Select(c => ViewReference.TypeOf(Rows.Select(r => r[c]))).ToArray();
        Assert.Equal(["text", "integer", "number", "date", "boolean", "text"], expected);
        Assert.Equal(expected, created.ColumnTypes);
    }

    [Fact]
    public async Task EverySortAndEveryFilterMatchesTheReference()
    {
        var created = await factory.CreateTableAsync(File, Ct);
        var types = created.ColumnTypes;
        foreach (var sort in s_sorts)
        {
            Assert.Equal(ViewReference.RowNumbers(Rows, types, [sort], [], null), (await PageAsync(created.Id, $"sort={sort}")).RowNumbers);
        }
        foreach (var filter in s_filters)
        {
            var page = await PageAsync(created.Id, $"filter={Uri.EscapeDataString(filter)}");
            Assert.True(ViewReference.RowNumbers(Rows, types, [], [filter], null).SequenceEqual(page.RowNumbers), $"{filter}: got {string.Join(",", page.RowNumbers)}");
        }
        foreach (var find in new[] { "bob", "STRASSE", "é", ":", "2024", "nothing like it" })
        {
            var page = await PageAsync(created.Id, $"q={Uri.EscapeDataString(find)}");
            Assert.True(ViewReference.RowNumbers(Rows, types, [], [], find).SequenceEqual(page.RowNumbers), $"q={find}: got {string.Join(",", page.RowNumbers)}");
        }
    }

    [Fact]
    public async Task SeveralKeysFiltersAndFindTogetherAreStableAndPageThroughTheView()
    {
        var created = await factory.CreateTableAsync(File, Ct);
        string[] sort = ["2:desc", "1"];
        string[] filter = ["6:nonempty", "3:ge:0"];
        var expected = ViewReference.RowNumbers(Rows, created.ColumnTypes, sort, filter, "a");

        var pages = new List<long>();
        for (var page = 1; page <= 3; page++)
        {
            var read = await PageAsync(created.Id, $"sort=2:desc&sort=1&filter=6:nonempty&filter=3:ge:0&q=a&page={page}&pageSize=2");
            Assert.Equal(expected.Length, read.TotalRows);
            Assert.Equal(Rows.Length, read.TableRows);
            Assert.Equal(sort, read.View.Sort);
            Assert.Equal(filter, read.View.Filter);
            Assert.Equal("a", read.View.Q);
            for (var i = 0; i < read.Rows.Count; i++)
            {
                Assert.Equal(Rows[read.RowNumbers[i] - 1], read.Rows[i]);
            }
            pages.AddRange(read.RowNumbers);
        }
        Assert.Equal(expected, pages);
    }

    [Fact]
    public async Task WithoutAViewRowNumbersRunOnAndTheViewIsEmpty()
    {
        var created = await factory.CreateTableAsync(Tsv.Numbered(25), Ct);

        var page = await PageAsync(created.Id, "page=2&pageSize=10");

        Assert.Equal(Enumerable.Range(11, 10).Select(n => (long)n), page.RowNumbers);
        Assert.Equal((25, 25), (page.TotalRows, page.TableRows));
        Assert.Empty(page.View.Sort);
        Assert.Empty(page.View.Filter);
        Assert.Null(page.View.Q);
    }

    [Fact]
    public async Task TheHubAndHttpGiveTheSamePagesOfAView()
    {
        var created = await factory.CreateTableAsync(File, Ct);
        var hub = await ConnectAsync();
        foreach (var (sort, filter, q) in new (string[] Sort, string[] Filter, string? Q)[]
        {
            (["1"], [], null), (["4:desc", "5"], ["1:nonempty"], null), ([], ["3:eq:1.5"], "e"), ([], [], "STR"),
        })
        {
            var query = string.Join('&', sort.Select(s => $"sort={s}").Concat(filter.Select(f => $"filter={Uri.EscapeDataString(f)}")).Concat(q is null ? [] : [$"q={q}"]));
            var http = await PageAsync(created.Id, query);
            var viaHub = await hub.InvokeAsync<TablePage>("GetRows", created.Id, new RowsRequest(1, 100, sort, filter, q), Ct).WithTimeout();
            Assert.Equal(http.RowNumbers, viaHub.RowNumbers);
            Assert.Equal(http.Rows.Select(r => string.Join('\t', r)), viaHub.Rows.Select(r => string.Join('\t', r)));
            // Every other part too: the view as understood (sort, filter, q), the totals, the version, the columns.
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(http), System.Text.Json.JsonSerializer.Serialize(viaHub));
            Assert.Equal(sort, http.View.Sort);
            Assert.Equal(filter, http.View.Filter);
            Assert.Equal(q, http.View.Q);
        }
    }

    [Fact]
    public async Task AViewAppliesToTheNewVersionAfterAReplacement()
    {
        var created = await factory.CreateTableAsync(File, Ct);
        Assert.Equal([4L, 3L], (await PageAsync(created.Id, "filter=1:eq:bob&sort=2:desc")).RowNumbers);

        string[][] next = [["bob", "1", "1", "2024-01-01", "true", ""], ["carl", "2", "2", "2024-01-01", "true", ""], ["BOB", "5", "3", "2024-01-01", "true", ""]];
        var bytes = Tsv.Utf8(string.Join('\n', new[] { Header }.Concat(next).Select(r => string.Join('\t', r))) + "\n");
        using var http = factory.CreateHttpClient();
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{created.Id}") { Content = new ByteArrayContent(bytes) };
        request.Headers.Add("X-Edit-Key", created.EditKey);
        (await http.SendAsync(request, Ct)).EnsureSuccessStatusCode();

        var page = await PageAsync(created.Id, "filter=1:eq:bob&sort=2:desc");
        Assert.Equal(2, page.Version);
        Assert.Equal([3L, 1L], page.RowNumbers);
    }

    [Theory]
    [InlineData("sort=0", "sort")]
    [InlineData("sort=7", "sort")]
    [InlineData("sort=x", "sort")]
    [InlineData("sort=1:up", "sort")]
    [InlineData("sort=1&sort=1:desc", "sort")]
    [InlineData("filter=1", "filter")]
    [InlineData("filter=9:eq:a", "filter")]
    [InlineData("filter=1:like:a", "filter")]
    [InlineData("filter=1:eq", "filter")]
    [InlineData("filter=1:eq:", "filter")]
    [InlineData("filter=1:empty:a", "filter")]
    [InlineData("filter=2:gt:three", "filter")]
    [InlineData("filter=4:lt:2024-13-01", "filter")]
    [InlineData("filter=5:eq:yes", "filter")]
    [InlineData("sort=1&sort=2&sort=3&sort=4&sort=5&sort=6&sort=1&sort=2&sort=3&sort=4&sort=5", "sort")]
    [InlineData("filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty&filter=1:nonempty", "filter")]
    [InlineData("filter=1:contains:LONG", "filter")]
    [InlineData("q=LONG", "q")]
    public async Task ABadViewParameterIsA400ThatNamesIt(string query, string parameter)
    {
        query = query.Replace("LONG", new string('x', 1001), StringComparison.Ordinal);
        var created = await factory.CreateTableAsync(File, Ct);
        using var http = factory.CreateHttpClient();

        var problem = await (await http.GetAsync($"/api/tables/{created.Id}/rows?{query}", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest, Ct, "invalid-page-request");

        Assert.StartsWith($"{parameter}: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var hub = await ConnectAsync();
        var request = parameter switch
        {
            "sort" => new RowsRequest(Sort: [.. query.Split('&').Select(p => p["sort=".Length..])]),
            "filter" => new RowsRequest(Filter: [.. query.Split('&').Select(p => p["filter=".Length..])]),
            _ => new RowsRequest(Q: query["q=".Length..]),
        };
        var e = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<TablePage>("GetRows", created.Id, request, Ct).WithTimeout());
        Assert.Contains($"invalid-page-request: {parameter}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APageOfAViewOverTheByteLimitIsRefusedAndASmallerOneServed()
    {
        // 100 rows of three 16,000-character cells (each under the cut): 4.8 MB of cell text, over the 4 MiB a page may carry.
        var cell = new string('x', 16_000);
        var created = await factory.CreateTableAsync(Tsv.Utf8("n\ta\tb\tc\n" + string.Concat(Enumerable.Range(1, 100).Select(i => $"{i}\t{cell}\t{cell}\t{cell}\n"))), Ct);
        using var http = factory.CreateHttpClient();

        await (await http.GetAsync($"/api/tables/{created.Id}/rows?sort=1:desc&pageSize=100", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest, Ct, "invalid-page-request");

        Assert.Equal(100L, (await PageAsync(created.Id, "sort=1:desc&pageSize=50")).RowNumbers[0]);
    }

    [Fact]
    public async Task AViewOfATableStillArrivingIsA409UntilItsUploadFinishes()
    {
        var uploader = await ConnectAsync();
        var chunks = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        var progress = Recorded.From<(string Id, long Bytes, long Rows)>(uploader, "UploadProgress");
        var upload = uploader.InvokeAsync<TableCreated>("Upload", chunks.Reader, new { name = "arriving.tsv" }, Ct);
        await chunks.Writer.WriteAsync(Tsv.Numbered(50), Ct);
        var id = (await progress.WaitForAsync(p => p.Bytes > 0)).Id;

        using var http = factory.CreateHttpClient();
        await (await http.GetAsync($"/api/tables/{id}/rows?sort=1", Ct)).AssertProblemAsync(HttpStatusCode.Conflict, Ct, "table-arriving");
        await (await http.GetAsync($"/api/tables/{id}/columns/1", Ct)).AssertProblemAsync(HttpStatusCode.Conflict, Ct, "table-arriving");

        chunks.Writer.Complete();
        await upload.WithTimeout();
        Assert.Equal(50L, (await PageAsync(id, "sort=1:desc")).RowNumbers[0]);
    }

    private async Task<TablePage> PageAsync(string id, string query)
    {
        using var http = factory.CreateHttpClient();
        var response = await http.GetAsync($"/api/tables/{id}/rows?{query}", Ct);
        Assert.True(response.IsSuccessStatusCode, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return (await response.Content.ReadFromJsonAsync<TablePage>(Ct))!;
    }

    private async Task<HubConnection> ConnectAsync()
    {
        var connection = await factory.ConnectHubAsync(Ct);
        _connections.Add(connection);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}
