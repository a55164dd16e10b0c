using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tables.Paging;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Views;

/// <summary>Pages carry long cells cut, say which and how long they are, and the whole cell is one request away.</summary>
public sealed class LongCellTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // 100 bytes a cell in a page; the long cell is 80 two-byte letters and 100 ASCII ones (180 characters, 260 bytes).
    private readonly TsvLiveFactory _app = new TsvLiveFactory().With("TsvLive:MaxCellBytesInPage", "101");
    private static readonly string s_long = new string('é', 80) + new string('x', 100);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task APageCarriesALongCellCutAtACharacterAndSaysWhereAndHowLongItIs()
    {
        var created = await _app.CreateTableAsync(Tsv.Utf8($"name\tnote\nshort\t{s_long}\nother\tok\n"), Ct);
        using var http = _app.CreateHttpClient();

        var page = await http.GetFromJsonAsync<JsonElement>($"/api/tables/{created.Id}/rows", Ct);

        // 101 bytes would split the 51st 'é': the cut keeps 50 whole letters.
        Assert.Equal(new string('é', 50), page.GetProperty("rows")[0][1].GetString());
        Assert.Equal("ok", page.GetProperty("rows")[1][1].GetString());
        var cut = Assert.Single(page.GetProperty("truncated").EnumerateArray());
        Assert.Equal((0, 2, 180), (cut.GetProperty("row").GetInt32(), cut.GetProperty("column").GetInt32(), cut.GetProperty("length").GetInt64()));

        await using var hub = await _app.ConnectHubAsync(Ct, messagePack: true);
        var viaHub = await hub.InvokeAsync<TablePage>("GetRows", created.Id, new RowsRequest(Sort: ["1"]), Ct).WithTimeout();
        Assert.Equal(new string('é', 50), viaHub.Rows[1][1]);
        Assert.Equal(new CutCell(1, 2, 180), Assert.Single(viaHub.Truncated));
    }

    [Fact]
    public async Task TheCellEndpointGivesTheWholeCellAsTextOrAsADownload()
    {
        var created = await _app.CreateTableAsync(Tsv.Utf8($"name\tnote\tthird\nshort\t{s_long}\tz\nonly\n"), Ct, "notes.tsv");
        using var http = _app.CreateHttpClient();

        var whole = await http.GetAsync($"/api/tables/{created.Id}/cells/1/2", Ct);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", whole.Content.Headers.ContentType?.ToString());
        Assert.Equal(s_long, await whole.Content.ReadAsStringAsync(Ct));
        Assert.Null(whole.Content.Headers.ContentDisposition);

        var download = await http.GetAsync($"/api/tables/{created.Id}/cells/1/2?download=true", Ct);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("notes-row1-column2.txt", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName);
        // A cell a short record does not reach is empty, as in pages.
        Assert.Equal("", await http.GetStringAsync($"/api/tables/{created.Id}/cells/2/3", Ct));
    }

    [Theory]
    [InlineData("0/1", "row: 0 is not a row number; this table has rows 1 to 1.")]
    [InlineData("2/1", "row: 2 is not a row number; this table has rows 1 to 1.")]
    [InlineData("1/3", "column: 3 is not a column number; this table has columns 1 to 2.")]
    [InlineData("abc/1", "'row' must be a whole number; 'abc' is not.")]
    public async Task ACellThatIsNotThereIsA400ThatSaysWhy(string place, string detail)
    {
        var created = await _app.CreateTableAsync(Tsv.Utf8("a\tb\n1\t2\n"), Ct);
        using var http = _app.CreateHttpClient();

        var problem = await (await http.GetAsync($"/api/tables/{created.Id}/cells/{place}", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest, Ct, "invalid-page-request");

        Assert.Equal(detail, problem.GetProperty("detail").GetString());
        await (await http.GetAsync("/api/tables/AAAAAAAAAAAAAAAAAAAAAA/cells/1/1", Ct)).AssertProblemAsync(HttpStatusCode.NotFound, Ct, "table-not-found");
    }
}
