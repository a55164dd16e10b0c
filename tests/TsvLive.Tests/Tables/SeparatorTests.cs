using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

/// <summary>
/// Separators (contract v2, "Separators"): detected per file among tab, comma, semicolon and pipe;
/// forced on upload; a table read again with another one as its next version.
/// </summary>
public sealed class SeparatorTests(TsvLiveFactory factory) : IClassFixture<TsvLiveFactory>
{
    private static readonly string s_corpus = Path.Combine(AppContext.BaseDirectory, "Corpus");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> CorpusFiles() =>
        [.. Directory.EnumerateFiles(s_corpus).Where(f => !f.EndsWith(".expected.json", StringComparison.Ordinal)).Select(f => Path.GetFileName(f)!).Order()];

    [Fact]
    public void TheCorpusHoldsEveryKindOfFileTheIssueNames() => Assert.True(CorpusFiles().Count >= 8, s_corpus);

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public async Task EachCorpusFileReadsAsItsExpectedTableWithoutAnyChoiceMade(string file)
    {
        var expected = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(s_corpus, file + ".expected.json"), Ct)).RootElement;
        using var http = factory.CreateHttpClient();

        var created = await factory.CreateTableAsync(await File.ReadAllBytesAsync(Path.Combine(s_corpus, file), Ct), Ct, file);
        var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows?pageSize=1000", Ct);

        Assert.Equal(expected.GetProperty("separator").GetString(), created.Separator);
        Assert.Equal(expected.GetProperty("dialect").GetString(), created.Dialect);
        Assert.Equal(Strings(expected.GetProperty("columns")), page!.Columns);
        Assert.Equal([.. expected.GetProperty("rows").EnumerateArray().Select(Strings)], page.Rows);
    }

    [Theory]
    [InlineData("a\tb\n1\t2\n", "tab")]
    [InlineData("a,b\n1,2\n", "comma")]
    [InlineData("a;b\n1;2\n", "semicolon")]
    [InlineData("a|b\n1|2\n", "pipe")]
    [InlineData("a,b\tc\n1,2\t3\n", "tab")] // comma and tab split it alike: tab wins the tie
    [InlineData("a,b;c\n1,2;3\n", "comma")] // comma and semicolon alike: the contract's order
    [InlineData("just one column\nof, prose, here\nand more\n", "tab")] // commas in too few records
    [InlineData("", "tab")]
    [InlineData("a,b,c\n", "tab")] // a header alone is not split (it could be one line of anything)
    [InlineData("sep=,\na,b\n1,2\n", "tab")] // Excel's separator line: not guessed past
    [InlineData("\uFEFFsep=;\r\na;b\r\n", "tab")]
    [InlineData("a,b\n1,2\n3\n4\n", "tab")] // half the records split: not consistent enough
    [InlineData("a,b\n1,2\n3,4\n5\n", "comma")]
    public void TheDetectorPicksTheSeparatorThatSplitsTheRecordsConsistently(string text, string separator) =>
        Assert.Equal(separator, SeparatorOf(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void OnlyTheFirst64KiBAreLookedAtAndARecordTheyCutIsNotCounted()
    {
        // 64 KiB of comma records, then tabs: detected from the start. The last record the sample cuts
        // (its quote still open) neither counts nor makes the file "broken quotes".
        var head = new StringBuilder("a,b\n");
        while (head.Length < 64 * 1024 - 10)
        {
            head.Append("1,2\n");
        }
        head.Append("\"open, quote and more text\"\n");
        head.Append(string.Concat(Enumerable.Repeat("x\ty\tz\n", 5000)));
        Assert.Equal("comma", SeparatorOf(Encoding.UTF8.GetBytes(head.ToString())));
    }

    [Fact]
    public async Task AFileArrivingInSmallPiecesIsReadWithTheSeparatorItsFirst64KiBShow()
    {
        // The first piece looks like a one-column file, and is read so while it arrives; once 64 KiB are
        // in, the file is read again as what it is.
        var file = new StringBuilder("name\n");
        var row = 0;
        while (file.Length < 200 * 1024)
        {
            file.Append(CultureInfo.InvariantCulture, $"n{row++};{row}\n");
        }
        file.Insert(5, string.Concat(Enumerable.Range(0, 60).Select(i => $"x{i}\n"))); // sixty one-field records first
        var bytes = Encoding.UTF8.GetBytes(file.ToString().Replace("name\n", "name;value\n", StringComparison.Ordinal));
        await using var ingest = new TsvLive.Tables.Ingest.TableIngest(new TsvLiveOptions { MaxUploadBytes = 1 << 30, MaxRecordBytes = 1 << 20 });
        ingest.Append(bytes.AsSpan(0, 300)); // the encoding is known from 256 bytes on
        while (ingest.Latest.RowCount < 50)
        {
            await Task.Delay(5, Ct);
        }
        Assert.Equal(TsvLive.Tables.Text.Separator.Tab, ingest.Latest.Separator); // the first guess
        for (var at = 300; at < bytes.Length; at += 4096)
        {
            ingest.Append(bytes.AsSpan(at, Math.Min(4096, bytes.Length - at)));
        }

        var content = await ingest.CompleteAsync(Ct);

        Assert.Equal(TsvLive.Tables.Text.Separator.Semicolon, content.Separator);
        Assert.Equal(["name", "value"], content.Columns);
        Assert.Equal(row + 60, content.RowCount);
        Assert.Equal(["n0", "1"], TsvLive.Tables.TableRecords.Rows(content, 60, 1).Single());
    }

    [Fact]
    public async Task TheUploaderMayForceTheSeparatorOverHttpAndOverTheHub()
    {
        var csv = "name,city\nAnn,Paris\n"u8.ToArray();
        using var http = factory.CreateHttpClient();

        var asTab = await PostAsync(http, csv, "?name=a.csv&separator=tab");
        AssertReadAs(asTab, "tab", ["name,city"]);

        await using var hub = await factory.ConnectHubAsync(Ct);
        var semicolonFile = "x;y\n1;2\n"u8.ToArray();
        var viaHub = await hub.InvokeAsync<TableCreated>("Upload", Chunks(semicolonFile), new UploadRequest("b.csv", Separator: "comma"), Ct);
        AssertReadAs(viaHub, "comma", ["x;y"]);

        // A replacement may force it too; without the word it is detected again.
        var replaced = await PutAsync(http, asTab, csv, "?separator=comma");
        Assert.Equal(2, replaced.Version);
        AssertReadAs(replaced, "comma", ["name", "city"]);
        var detected = await PutAsync(http, asTab, "p|q\n1|2\n"u8.ToArray(), "");
        Assert.Equal((3, "pipe"), (detected.Version, detected.Separator));
    }

    [Fact]
    public async Task AnUnknownSeparatorWordIsRefusedAndNothingIsCreatedOrChanged()
    {
        using var http = factory.CreateHttpClient();
        var table = await factory.CreateTableAsync("a,b\n1,2\n"u8.ToArray(), Ct, "t.csv");

        var post = await http.PostAsync("/api/tables?separator=colon", new ByteArrayContent("a:b\n"u8.ToArray()), Ct);
        var problem = await post.AssertProblemAsync(HttpStatusCode.BadRequest, Ct, "invalid-separator");
        Assert.Contains("tab, comma, semicolon or pipe", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(post.Headers.Location);
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{table.Id}?separator=space") { Content = new ByteArrayContent("x y\n"u8.ToArray()) };
        put.Headers.Add("X-Edit-Key", table.EditKey);
        await (await http.SendAsync(put, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest, Ct, "invalid-separator");
        await using var hub = await factory.ConnectHubAsync(Ct);
        var refused = await Assert.ThrowsAsync<HubException>(() =>
            hub.InvokeAsync<TableCreated>("Upload", Chunks("a\n"u8.ToArray()), new UploadRequest("c.csv", Separator: "tabs"), Ct));
        Assert.Contains("tab, comma, semicolon or pipe", refused.Message, StringComparison.Ordinal);

        var info = await http.GetFromJsonAsync<TableInfo>($"/api/tables/{table.Id}", Ct);
        Assert.Equal((1, "comma"), (info!.Version, info.Separator));
    }

    [Fact]
    public async Task RereadingPublishesTheSameBytesReadWithAnotherSeparatorAsTheNextVersionToEveryWatcher()
    {
        var bytes = "name,score\nAnn,1\nBo,2\n"u8.ToArray();
        var table = await factory.CreateTableAsync(bytes, Ct, "scores.csv");
        await using var watcher = await factory.ConnectHubAsync(Ct);
        var replaced = Recorded.From<TableInfo>(watcher, "TableReplaced");
        await watcher.InvokeAsync<TableInfo>("Watch", table.Id, Ct);
        using var http = factory.CreateHttpClient();

        var reread = await RereadAsync(http, table.Id, table.EditKey, "tab");

        Assert.Equal((2, "tab", "scores.csv", 2L), (reread.Version, reread.Separator, reread.Name, reread.RowCount));
        Assert.Equal(["name,score"], reread.Columns);
        var told = await replaced.WaitForAsync(i => i.Version == 2);
        AssertReadAs(told, "tab", ["name,score"]);
        Assert.Equal(bytes, await http.GetByteArrayAsync($"/api/tables/{table.Id}/file", Ct));
        var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{table.Id}/rows", Ct);
        Assert.Equal([["Ann,1"], ["Bo,2"]], page!.Rows);

        // And back: version 3, two columns again.
        var back = await RereadAsync(http, table.Id, table.EditKey, "COMMA");
        Assert.Equal(3, back.Version);
        AssertReadAs(back, "comma", ["name", "score"]);
    }

    [Fact]
    public async Task RereadingNeedsTheEditKeyAKnownTableAndASeparatorWord()
    {
        var table = await factory.CreateTableAsync("a,b\n1,2\n"u8.ToArray(), Ct, "t.csv");
        using var http = factory.CreateHttpClient();

        await (await SendRereadAsync(http, table.Id, null, "tab")).AssertProblemAsync(HttpStatusCode.Forbidden, Ct);
        await (await SendRereadAsync(http, table.Id, "wrong-key-wrong-key-wrong", "tab")).AssertProblemAsync(HttpStatusCode.Forbidden, Ct);
        await (await SendRereadAsync(http, "AAAAAAAAAAAAAAAAAAAAAA", table.EditKey, "tab")).AssertProblemAsync(HttpStatusCode.NotFound, Ct);
        await (await SendRereadAsync(http, table.Id, table.EditKey, "colon")).AssertProblemAsync(HttpStatusCode.BadRequest, Ct, "invalid-separator");
        await (await SendRereadAsync(http, table.Id, table.EditKey, null)).AssertProblemAsync(HttpStatusCode.BadRequest, Ct, "invalid-separator");

        var info = await http.GetFromJsonAsync<TableInfo>($"/api/tables/{table.Id}", Ct);
        Assert.Equal((1, "comma"), (info!.Version, info.Separator));
    }

    [Fact]
    public async Task AForcedOrRereadSeparatorSurvivesARestart()
    {
        using var data = new TemporaryDirectory("tsvlive-separator-");
        TableCreated forced, reread;
        await using (var first = new TsvLiveFactory().With("TsvLive:DataDirectory", data.Path))
        {
            using var http = first.CreateHttpClient();
            forced = await PostAsync(http, "a,b\n1,2\n"u8.ToArray(), "?name=f.csv&separator=tab");
            reread = await PostAsync(http, "a;b\n1;2\n"u8.ToArray(), "?name=r.csv");
            Assert.Equal("semicolon", reread.Separator);
            await RereadAsync(http, reread.Id, reread.EditKey, "pipe");
        }

        await using var second = new TsvLiveFactory().With("TsvLive:DataDirectory", data.Path);
        using var again = second.CreateHttpClient();
        var forcedInfo = await again.GetFromJsonAsync<TableInfo>($"/api/tables/{forced.Id}", Ct);
        var rereadInfo = await again.GetFromJsonAsync<TableInfo>($"/api/tables/{reread.Id}", Ct);
        AssertReadAs(forcedInfo!, "tab", ["a,b"]);
        Assert.Equal(2, rereadInfo!.Version);
        AssertReadAs(rereadInfo, "pipe", ["a;b"]);
    }

    private static void AssertReadAs(TableInfo info, string separator, string[] columns)
    {
        Assert.Equal(separator, info.Separator);
        Assert.Equal(columns, info.Columns);
    }

    private static string SeparatorOf(byte[] text) =>
        TsvLive.Tables.Text.SeparatorNames.ToWire(TsvLive.Tables.Ingest.SeparatorDetector.Detect(text.AsMemory(0, Math.Min(text.Length, 64 * 1024)), whole: text.Length <= 64 * 1024));

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static async IAsyncEnumerable<byte[]> Chunks(byte[] bytes)
    {
        await Task.Yield();
        yield return bytes;
    }

    private static async Task<TableCreated> PostAsync(HttpClient http, byte[] bytes, string query)
    {
        var response = await http.PostAsync("/api/tables" + query, new ByteArrayContent(bytes), Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TableCreated>(Ct))!;
    }

    private static async Task<TableInfo> PutAsync(HttpClient http, TableCreated table, byte[] bytes, string query)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{table.Id}{query}") { Content = new ByteArrayContent(bytes) };
        request.Headers.Add("X-Edit-Key", table.EditKey);
        var response = await http.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TableInfo>(Ct))!;
    }

    private static Task<HttpResponseMessage> SendRereadAsync(HttpClient http, string id, string? editKey, string? separator)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tables/{id}/reread" + (separator is null ? "" : $"?separator={separator}"));
        if (editKey is not null)
        {
            request.Headers.Add("X-Edit-Key", editKey);
        }
        return http.SendAsync(request, Ct);
    }

    private static async Task<TableInfo> RereadAsync(HttpClient http, string id, string editKey, string separator)
    {
        var response = await SendRereadAsync(http, id, editKey, separator);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TableInfo>(Ct))!;
    }
}
