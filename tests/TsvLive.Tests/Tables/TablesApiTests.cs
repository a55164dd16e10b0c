using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.WebUtilities;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

public class TablesApiTests(TablesApiTests.Factory factory) : IClassFixture<TablesApiTests.Factory>
{
    /// <summary>The app with a small upload limit, so the 413 paths are cheap to reach.</summary>
    public sealed class Factory : TsvLiveFactory
    {
        public const int MaxUploadBytes = 64 * 1024;

        public Factory() => With("TsvLive:MaxUploadBytes", MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly HttpClient _http = factory.CreateHttpClient();

    [Fact]
    public async Task WhileATablesFirstUploadRunsReplacingItOrDownloadingItsFileIsA409ThatSaysWhy()
    {
        await using var uploader = await factory.ConnectHubAsync(Ct);
        var id = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = uploader.On<string, long, long>("UploadProgress", (table, _, _) => id.TrySetResult(table));
        var chunks = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        chunks.Writer.TryWrite(Tsv.Numbered(10));
        var upload = uploader.InvokeAsync<TsvLive.Api.TableCreated>("Upload", chunks.Reader, new TsvLive.Api.UploadRequest("arriving.tsv"), Ct);
        var arriving = await id.Task.WithTimeout();

        var file = await _http.GetAsync($"/api/tables/{arriving}/file", Ct);
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{arriving}") { Content = new ByteArrayContent(Tsv.Numbered(3)) };
        put.Headers.Add("X-Edit-Key", "not the key, which the uploader learns at the end");
        var replaced = await _http.SendAsync(put, Ct);

        var problem = await file.AssertProblemAsync(HttpStatusCode.Conflict, Ct, code: "table-arriving");
        Assert.Equal("This table is still being uploaded. Try again when the upload has finished.", problem.GetProperty("detail").GetString());
        // A stranger's replacement is refused for its key before anything else.
        await replaced.AssertProblemAsync(HttpStatusCode.Forbidden, Ct, code: "edit-key-rejected");
        chunks.Writer.Complete();
        var created = await upload.WithTimeout();
        Assert.Equal(Tsv.Numbered(10), await _http.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct));
    }

    [Fact]
    public async Task CreatingATableAnswers201WithItsLinksAndEditKey()
    {
        var bytes = Tsv.Utf8("name\tage\nAnn\t31\nBob\t42\n");

        var response = await _http.PostAsync("/api/tables?name=people.tsv", new ByteArrayContent(bytes), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = created.GetProperty("id").GetString()!;
        var editKey = created.GetProperty("editKey").GetString()!;
        Assert.Equal($"/t/{id}", response.Headers.Location?.OriginalString);
        Assert.True(WebEncoders.Base64UrlDecode(id).Length >= 16, "ids carry at least 128 random bits");
        Assert.True(WebEncoders.Base64UrlDecode(editKey).Length >= 16, "edit keys carry at least 128 random bits");
        Assert.Equal(new Uri(factory.ServerAddress, $"/t/{id}").ToString(), created.GetProperty("viewUrl").GetString());
        Assert.Equal(new Uri(factory.ServerAddress, $"/t/{id}").ToString() + "#key=" + editKey, created.GetProperty("editUrl").GetString());
        Assert.Equal(1, created.GetProperty("version").GetInt32());
        Assert.Equal("people.tsv", created.GetProperty("name").GetString());
        Assert.Equal(2, created.GetProperty("rowCount").GetInt64());
        Assert.Equal(["name", "age"], created.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("quoted", created.GetProperty("dialect").GetString());
        Assert.True(created.GetProperty("complete").GetBoolean());
        Assert.Equal(bytes.Length, created.GetProperty("sizeBytes").GetInt64());
        Assert.True(created.GetProperty("createdAt").GetDateTimeOffset() <= created.GetProperty("updatedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task TwoTablesNeverShareAnIdOrAKey()
    {
        var first = await CreateAsync(Tsv.Numbered(1));
        var second = await CreateAsync(Tsv.Numbered(1));

        Assert.NotEqual(first.Id, second.Id);
        Assert.NotEqual(first.EditKey, second.EditKey);
    }

    [Fact]
    public async Task ARawBodyIsAcceptedWhateverItsContentType()
    {
        // curl --data-binary sends application/x-www-form-urlencoded.
        var body = new ByteArrayContent(Tsv.Utf8("a\tb\n1\t2\n"));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");

        var response = await _http.PostAsync("/api/tables?name=x.tsv", body, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("rowCount").GetInt64());
    }

    [Fact]
    public async Task AMultipartUploadTakesItsNameFromTheFilePart()
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("ignored"), "comment" },
            { new ByteArrayContent(Tsv.Utf8("a\tb\n1\t2\n3\t4\n")), "file", "from-form.tsv" },
        };

        var response = await _http.PostAsync("/api/tables", form, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("from-form.tsv", created.GetProperty("name").GetString());
        Assert.Equal(2, created.GetProperty("rowCount").GetInt64());
    }

    [Fact]
    public async Task ANameWithFoldersKeepsOnlyTheFileName()
    {
        var created = await CreateAsync(Tsv.Numbered(1), name: "../../etc/<b>report</b>.tsv");

        var info = await _http.GetFromJsonAsync<JsonElement>($"/api/tables/{created.Id}", Ct);

        var name = info.GetProperty("name").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(name));
        Assert.DoesNotContain('/', name);
        Assert.DoesNotContain('\\', name);
        Assert.DoesNotContain("..", name, StringComparison.Ordinal);
        Assert.EndsWith(".tsv", name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyUploadIsRejectedWithAProblemThatSaysWhy()
    {
        var response = await _http.PostAsync("/api/tables?name=empty.tsv", new ByteArrayContent([]), Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, Ct);
        Assert.Contains("header", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUploadOverTheLimitIsRejectedWith413AndLeavesNothingBehind()
    {
        var before = factory.Store.Count;

        var response = await _http.PostAsync("/api/tables", new ByteArrayContent(Tsv.Numbered(10_000)), Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, Ct);
        Assert.Contains("64 KiB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, factory.Store.Count);
    }

    [Fact]
    public async Task AnUploadOverTheLimitWithoutContentLengthIsRejectedWith413()
    {
        var body = new StreamContent(new MemoryStream(Tsv.Numbered(10_000)));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/tables") { Content = body };
        request.Headers.TransferEncodingChunked = true;

        var response = await _http.SendAsync(request, Ct);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, Ct);
    }

    [Fact]
    public async Task MetadataOfAnUnknownTableIs404WithAProblem()
    {
        var response = await _http.GetAsync("/api/tables/AAAAAAAAAAAAAAAAAAAAAA", Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound, Ct);
        Assert.Contains("AAAAAAAAAAAAAAAAAAAAAA", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowsComeOnePageAtATime()
    {
        var created = await CreateAsync(Tsv.Numbered(250));

        var page = await _http.GetFromJsonAsync<JsonElement>($"/api/tables/{created.Id}/rows?page=3&pageSize=100", Ct);

        Assert.Equal(created.Id, page.GetProperty("id").GetString());
        Assert.Equal(1, page.GetProperty("version").GetInt32());
        Assert.True(page.GetProperty("complete").GetBoolean());
        Assert.Equal(3, page.GetProperty("page").GetInt64());
        Assert.Equal(100, page.GetProperty("pageSize").GetInt32());
        Assert.Equal(250, page.GetProperty("totalRows").GetInt64());
        Assert.Equal(3, page.GetProperty("totalPages").GetInt64());
        Assert.Equal(["id", "name", "value"], page.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        var rows = page.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(50, rows.Count);
        Assert.Equal(["201", "row 201", "2010"], rows[0].EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task ThePageSizeDefaultsTo100()
    {
        var created = await CreateAsync(Tsv.Numbered(150));

        var page = await _http.GetFromJsonAsync<JsonElement>($"/api/tables/{created.Id}/rows", Ct);

        Assert.Equal(100, page.GetProperty("pageSize").GetInt32());
        Assert.Equal(100, page.GetProperty("rows").GetArrayLength());
    }

    [Fact]
    public async Task APagePastTheEndHasNoRows()
    {
        var created = await CreateAsync(Tsv.Numbered(10));

        var page = await _http.GetFromJsonAsync<JsonElement>($"/api/tables/{created.Id}/rows?page=99", Ct);

        Assert.Equal(0, page.GetProperty("rows").GetArrayLength());
        Assert.Equal(10, page.GetProperty("totalRows").GetInt64());
    }

    [Theory]
    [InlineData("page=0", "Page numbers start at 1; 0 is not a page.")]
    [InlineData("page=-1", "Page numbers start at 1; -1 is not a page.")]
    [InlineData("pageSize=0", "The page size must be between 1 and 1000; 0 is outside that range.")]
    [InlineData("pageSize=1001", "The page size must be between 1 and 1000; 1001 is outside that range.")]
    [InlineData("page=abc", "'page' must be a whole number; 'abc' is not.")]
    [InlineData("pageSize=99999999999999", "'pageSize' must be a whole number; '99999999999999' is not.")]
    public async Task BadPageRequestsAre400WithAProblemThatNamesTheRule(string query, string detail)
    {
        var created = await CreateAsync(Tsv.Numbered(10));

        var response = await _http.GetAsync($"/api/tables/{created.Id}/rows?{query}", Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, Ct, code: "invalid-page-request");
        Assert.Equal(detail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task RowsOfAnUnknownTableAre404()
    {
        var response = await _http.GetAsync("/api/tables/nope/rows", Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, Ct);
    }

    [Fact]
    public async Task TheFileComesBackExactlyAsUploadedAsAnAttachment()
    {
        byte[] bytes = [0xFF, 0xFE, .. System.Text.Encoding.Unicode.GetBytes("a\tb\r\n\"x\"\t😀\r\n")];
        var created = await CreateAsync(bytes, name: "unicode table.tsv");

        var response = await _http.GetAsync($"/api/tables/{created.Id}/file", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/tab-separated-values", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("unicode table.tsv", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task TheFileOfAnUnknownTableIs404()
    {
        var response = await _http.GetAsync("/api/tables/nope/file", Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, Ct);
    }

    [Fact]
    public async Task ReplacingWithTheEditKeyMakesTheNextVersion()
    {
        var created = await CreateAsync(Tsv.Numbered(5), name: "v1.tsv");

        var response = await ReplaceAsync(created.Id, created.EditKey, Tsv.Utf8("x\ty\nnew\trow\n"), name: "v2.tsv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var info = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(2, info.GetProperty("version").GetInt32());
        Assert.Equal("v2.tsv", info.GetProperty("name").GetString());
        Assert.False(info.TryGetProperty("editKey", out _), "a replacement does not echo the key");
        var page = await _http.GetFromJsonAsync<JsonElement>($"/api/tables/{created.Id}/rows", Ct);
        Assert.Equal(2, page.GetProperty("version").GetInt32());
        Assert.Equal(["x", "y"], page.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal([["new", "row"]], page.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetString()).ToArray()));
    }

    [Fact]
    public async Task AReplacementWithoutANameKeepsTheOldName()
    {
        var created = await CreateAsync(Tsv.Numbered(5), name: "kept.tsv");

        var response = await ReplaceAsync(created.Id, created.EditKey, Tsv.Numbered(6), name: null);

        Assert.Equal("kept.tsv", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key")]
    public async Task AMissingOrWrongEditKeyIs403AndChangesNothing(string? editKey)
    {
        var created = await CreateAsync(Tsv.Numbered(5));

        var response = await ReplaceAsync(created.Id, editKey, Tsv.Numbered(1));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, Ct);
        await AssertUnchangedAsync(created.Id, rows: 5);
    }

    [Fact]
    public async Task ReplacingAnUnknownTableIs404()
    {
        var response = await ReplaceAsync("AAAAAAAAAAAAAAAAAAAAAA", "key", Tsv.Numbered(1));

        await response.AssertProblemAsync(HttpStatusCode.NotFound, Ct);
    }

    [Fact]
    public async Task AnUnreadableReplacementIs400AndChangesNothing()
    {
        var created = await CreateAsync(Tsv.Numbered(5));

        var response = await ReplaceAsync(created.Id, created.EditKey, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, Ct);
        Assert.Contains("not tab-separated text", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertUnchangedAsync(created.Id, rows: 5);
    }

    [Fact]
    public async Task AReplacementOverTheLimitIs413AndChangesNothing()
    {
        var created = await CreateAsync(Tsv.Numbered(5));

        var response = await ReplaceAsync(created.Id, created.EditKey, Tsv.Numbered(10_000));

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, Ct);
        await AssertUnchangedAsync(created.Id, rows: 5);
    }

    [Fact]
    public async Task HealthzAnswers200()
    {
        var response = await _http.GetAsync("/healthz", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AnUnknownApiRouteIs404WithAProblem()
    {
        var response = await _http.GetAsync("/api/nothing-here", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<(string Id, string EditKey)> CreateAsync(byte[] bytes, string? name = "test.tsv")
    {
        var url = name is null ? "/api/tables" : $"/api/tables?name={Uri.EscapeDataString(name)}";
        var response = await _http.PostAsync(url, new ByteArrayContent(bytes), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return (created.GetProperty("id").GetString()!, created.GetProperty("editKey").GetString()!);
    }

    private Task<HttpResponseMessage> ReplaceAsync(string id, string? editKey, byte[] bytes, string? name = "replacement.tsv")
    {
        var url = name is null ? $"/api/tables/{id}" : $"/api/tables/{id}?name={Uri.EscapeDataString(name)}";
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(bytes) };
        if (editKey is not null)
        {
            request.Headers.Add("X-Edit-Key", editKey);
        }
        return _http.SendAsync(request, Ct);
    }

    private async Task AssertUnchangedAsync(string id, int rows)
    {
        var info = await _http.GetFromJsonAsync<JsonElement>($"/api/tables/{id}", Ct);
        Assert.Equal(1, info.GetProperty("version").GetInt32());
        Assert.Equal(rows, info.GetProperty("rowCount").GetInt64());
    }
}
