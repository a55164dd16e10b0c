using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Hubs;

public sealed class TablesHubTests(TsvLiveFactory factory) : IClassFixture<TsvLiveFactory>, IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly HttpClient _http = factory.CreateHttpClient();
    private readonly List<HubConnection> _connections = [];

    [Fact]
    public async Task WatchAnswersTheTablesInfo()
    {
        var (id, _) = await CreateOverHttpAsync(Tsv.Numbered(3));
        var viewer = await ConnectAsync();

        var info = await viewer.InvokeAsync<TableInfo>("Watch", id, Ct).WithTimeout();

        Assert.Equal(id, info.Id);
        Assert.Equal(3, info.RowCount);
        Assert.Equal(["id", "name", "value"], info.Columns);
    }

    [Fact]
    public async Task WatchingAnUnknownTableIsAClearHubError()
    {
        var viewer = await ConnectAsync();

        var e = await Assert.ThrowsAsync<HubException>(() => viewer.InvokeAsync<TableInfo>("Watch", "AAAAAAAAAAAAAAAAAAAAAA", Ct).WithTimeout());

        Assert.Contains("HubException: table-not-found: There is no table with id 'AAAAAAAAAAAAAAAAAAAAAA'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ViewersHearHowManyAreWatchingAsTheyComeAndGo()
    {
        var (id, _) = await CreateOverHttpAsync(Tsv.Numbered(3));
        var first = await ConnectAsync();
        var firstCounts = Recorded.From<(string Id, int Count)>(first, "ViewerCount");
        await first.InvokeAsync<TableInfo>("Watch", id, Ct).WithTimeout();
        await firstCounts.WaitForAsync(c => c == (id, 1));

        var second = await ConnectAsync();
        var secondCounts = Recorded.From<(string Id, int Count)>(second, "ViewerCount");
        await second.InvokeAsync<TableInfo>("Watch", id, Ct).WithTimeout();
        await firstCounts.WaitForAsync(c => c == (id, 2));
        await secondCounts.WaitForAsync(c => c == (id, 2));

        await second.InvokeAsync("Unwatch", id, Ct).WithTimeout();
        await firstCounts.WaitForAsync(c => c == (id, 1) && firstCounts.All.Contains((id, 2)));
    }

    [Fact]
    public async Task AViewerThatDropsWithoutGoodbyeIsNoLongerCounted()
    {
        var (id, _) = await CreateOverHttpAsync(Tsv.Numbered(3));
        var stays = await ConnectAsync();
        var counts = Recorded.From<(string Id, int Count)>(stays, "ViewerCount");
        await stays.InvokeAsync<TableInfo>("Watch", id, Ct).WithTimeout();
        using var drops = await RawHubSocket.ConnectAsync(factory.ServerAddress, Ct);
        var watched = await drops.InvokeAsync("Watch", id, Ct);
        Assert.Contains(id, watched, StringComparison.Ordinal);
        await counts.WaitForAsync(c => c == (id, 2));

        drops.Abort();

        await counts.WaitForAsync(c => c == (id, 1) && counts.All.Contains((id, 2)));
    }

    [Fact]
    public async Task WatchersHearOfAReplacementMadeOverHttp()
    {
        var (id, editKey) = await CreateOverHttpAsync(Tsv.Numbered(3));
        var viewer = await ConnectAsync();
        var replaced = Recorded.From<TableInfo>(viewer, "TableReplaced");
        await viewer.InvokeAsync<TableInfo>("Watch", id, Ct).WithTimeout();

        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{id}") { Content = new ByteArrayContent(Tsv.Numbered(7)) };
        request.Headers.Add("X-Edit-Key", editKey);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(request, Ct)).StatusCode);

        var info = await replaced.WaitForAsync(t => t.Id == id);
        Assert.Equal(2, info.Version);
        Assert.Equal(7, info.RowCount);
    }

    [Fact]
    public async Task WatchersHearOfAReplacementUploadedOverTheHub()
    {
        var (id, editKey) = await CreateOverHttpAsync(Tsv.Numbered(3));
        var viewer = await ConnectAsync();
        var replaced = Recorded.From<TableInfo>(viewer, "TableReplaced");
        await viewer.InvokeAsync<TableInfo>("Watch", id, Ct).WithTimeout();
        var editor = await ConnectAsync();

        var info = await editor.InvokeAsync<TableInfo>(
            "Upload", Tsv.Stream(Tsv.Chunks(Tsv.Numbered(9), 100)), new { name = "v2.tsv", id, editKey }, Ct).WithTimeout();

        Assert.Equal(2, info.Version);
        var heard = await replaced.WaitForAsync(t => t.Id == id);
        Assert.Equal(2, heard.Version);
        Assert.Equal(9, heard.RowCount);
        Assert.Equal("v2.tsv", heard.Name);
    }

    [Fact]
    public async Task EachViewerPagesOnItsOwn()
    {
        var (id, _) = await CreateOverHttpAsync(Tsv.Numbered(250));
        var first = await ConnectAsync();
        var second = await ConnectAsync();

        var page1 = await first.InvokeAsync<TablePage>("GetPage", id, 1, 100, Ct).WithTimeout();
        var page3 = await second.InvokeAsync<TablePage>("GetPage", id, 3, 100, Ct).WithTimeout();

        Assert.Equal("1", page1.Rows[0][0]);
        Assert.Equal("201", page3.Rows[0][0]);
        Assert.Equal(50, page3.Rows.Count);
        Assert.Equal(3, page3.TotalPages);
    }

    [Theory]
    [InlineData(0, 100, "Page numbers start at 1")]
    [InlineData(1, 0, "between 1 and 1000")]
    [InlineData(1, 1001, "between 1 and 1000")]
    public async Task BadPageRequestsAreClearHubErrors(long page, int pageSize, string message)
    {
        var (id, _) = await CreateOverHttpAsync(Tsv.Numbered(3));
        var viewer = await ConnectAsync();

        var e = await Assert.ThrowsAsync<HubException>(() => viewer.InvokeAsync<TablePage>("GetPage", id, page, pageSize, Ct).WithTimeout());

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UploadingInChunksCreatesATableAndReturnsItsEditKey()
    {
        var uploader = await ConnectAsync();
        var bytes = Tsv.Numbered(20_000);

        var created = await uploader.InvokeAsync<TableCreated>(
            "Upload", Tsv.Stream(Tsv.Chunks(bytes, 64 * 1024)), new { name = "big.tsv" }, Ct).WithTimeout();

        Assert.Equal(20_000, created.RowCount);
        Assert.Equal(bytes.Length, created.SizeBytes);
        Assert.True(created.Complete);
        Assert.False(string.IsNullOrEmpty(created.EditKey));
        Assert.EndsWith($"/t/{created.Id}#key={created.EditKey}", created.EditUrl, StringComparison.Ordinal);
        var file = await _http.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct);
        Assert.Equal(bytes, file);
    }

    [Fact]
    public async Task MessagePackClientsUploadBinaryChunksAndGetTheSameAnswers()
    {
        var uploader = await factory.ConnectHubAsync(Ct, messagePack: true);
        _connections.Add(uploader);
        var replaced = Recorded.From<TableInfo>(uploader, "TableReplaced");
        var bytes = Tsv.Numbered(3000);

        var created = await uploader.InvokeAsync<TableCreated>(
            "Upload", Tsv.Stream(Tsv.Chunks(bytes, 64 * 1024)), new UploadRequest("packed.tsv"), Ct).WithTimeout();
        await uploader.InvokeAsync<TableInfo>("Watch", created.Id, Ct).WithTimeout();
        var page = await uploader.InvokeAsync<TablePage>("GetPage", created.Id, 30, 100, Ct).WithTimeout();
        var stored = await _http.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct);
        await uploader.InvokeAsync<TableInfo>(
            "Upload", Tsv.Stream(Tsv.Chunks(Tsv.Numbered(2), 1024)), new UploadRequest("v2.tsv", created.Id, created.EditKey), Ct).WithTimeout();

        Assert.Equal(3000, created.RowCount);
        Assert.False(string.IsNullOrEmpty(created.EditKey));
        Assert.Equal(["2901", "row 2901", "29010"], page.Rows[0]);
        Assert.Equal(2, (await replaced.WaitForAsync(t => t.Id == created.Id)).Version);
        Assert.Equal(bytes, stored);
    }

    [Fact]
    public async Task TheUploaderLearnsTheIdAndCanPageBeforeTheUploadEnds()
    {
        var uploader = await ConnectAsync();
        var progress = Recorded.From<(string Id, long Bytes, long Rows)>(uploader, "UploadProgress");
        var chunks = Channel.CreateUnbounded<byte[]>();
        var bytes = Tsv.Numbered(5000);
        var half = bytes.Length / 2;
        await chunks.Writer.WriteAsync(bytes[..half], Ct);
        var upload = uploader.InvokeAsync<TableCreated>("Upload", chunks.Reader, new { name = "live.tsv" }, Ct);

        var first = await progress.WaitForAsync(_ => true);
        var page = await WaitForRowsAsync(first.Id);

        Assert.False(page.Complete);
        Assert.Equal(["1", "row 1", "10"], page.Rows[0]);
        await chunks.Writer.WriteAsync(bytes[half..], Ct);
        chunks.Writer.Complete();
        var created = await upload.WithTimeout();
        Assert.Equal(first.Id, created.Id);
        Assert.Equal(5000, created.RowCount);
        await progress.WaitForAsync(p => p == (created.Id, bytes.Length, 5000));
    }

    [Fact]
    public async Task AWrongEditKeyOverTheHubIsRefusedAndTheOldVersionStays()
    {
        var (id, _) = await CreateOverHttpAsync(Tsv.Numbered(3));
        var editor = await ConnectAsync();

        var e = await Assert.ThrowsAsync<HubException>(() => editor.InvokeAsync<TableInfo>(
            "Upload", Tsv.Stream(Tsv.Chunks(Tsv.Numbered(9), 100)), new { name = "x.tsv", id, editKey = "wrong" }, Ct).WithTimeout());

        Assert.Contains("edit key does not match", e.Message, StringComparison.Ordinal);
        var info = await _http.GetFromJsonAsync<JsonElement>($"/api/tables/{id}", Ct);
        Assert.Equal(1, info.GetProperty("version").GetInt32());
        Assert.Equal(3, info.GetProperty("rowCount").GetInt64());
    }

    [Fact]
    public async Task AnUploadStreamThatFailsMidwayLeavesNothingBehind()
    {
        var uploader = await ConnectAsync();
        var progress = Recorded.From<(string Id, long Bytes, long Rows)>(uploader, "UploadProgress");
        var chunks = Channel.CreateUnbounded<byte[]>();
        await chunks.Writer.WriteAsync(Tsv.Numbered(1000), Ct);
        var upload = uploader.InvokeAsync<TableCreated>("Upload", chunks.Reader, new { name = "cancelled.tsv" }, Ct);
        var id = (await progress.WaitForAsync(_ => true)).Id;
        Assert.NotNull(await factory.Store.FindAsync(id, Ct));

        chunks.Writer.Complete(new OperationCanceledException("user pressed cancel"));

        var e = await Assert.ThrowsAsync<HubException>(() => upload.WithTimeout());
        Assert.Contains("HubException: upload-cancelled: The upload was cancelled by the sender", e.Message, StringComparison.Ordinal);
        await AssertGoneAsync(id);
    }

    [Fact]
    public async Task AnUploaderThatDisconnectsMidwayLeavesNothingBehind()
    {
        var uploader = await ConnectAsync();
        var progress = Recorded.From<(string Id, long Bytes, long Rows)>(uploader, "UploadProgress");
        var chunks = Channel.CreateUnbounded<byte[]>();
        await chunks.Writer.WriteAsync(Tsv.Numbered(1000), Ct);
        var heldBefore = factory.Budget.Held;
        _ = uploader.InvokeAsync<TableCreated>("Upload", chunks.Reader, new { name = "dropped.tsv" }, Ct);
        var id = (await progress.WaitForAsync(_ => true)).Id;
        Assert.True(factory.Budget.Held > heldBefore, "the upload holds memory while it runs");

        await uploader.DisposeAsync().AsTask().WithTimeout();

        await AssertGoneAsync(id);
        Assert.Equal(heldBefore, factory.Budget.Held);
    }

    [Fact]
    public async Task AReplacementThatFailsMidwayKeepsTheOldVersion()
    {
        var (id, editKey) = await CreateOverHttpAsync(Tsv.Numbered(3));
        var editor = await ConnectAsync();
        var chunks = Channel.CreateUnbounded<byte[]>();
        await chunks.Writer.WriteAsync(Tsv.Numbered(1000), Ct);
        var upload = editor.InvokeAsync<TableInfo>("Upload", chunks.Reader, new { name = "x.tsv", id, editKey }, Ct);

        chunks.Writer.Complete(new OperationCanceledException("user pressed cancel"));

        var e = await Assert.ThrowsAsync<HubException>(() => upload.WithTimeout());
        Assert.Contains("HubException: upload-cancelled: ", e.Message, StringComparison.Ordinal);
        var info = await _http.GetFromJsonAsync<JsonElement>($"/api/tables/{id}", Ct);
        Assert.Equal(1, info.GetProperty("version").GetInt32());
        Assert.Equal(3, info.GetProperty("rowCount").GetInt64());
    }

    [Fact]
    public async Task WatchersHearWhenAReplacementEndsWithoutANewVersion()
    {
        var (id, editKey) = await CreateOverHttpAsync(Tsv.Numbered(3));
        var viewer = await ConnectAsync();
        var abandoned = Recorded.From<string>(viewer, "ReplacementAbandoned");
        await viewer.InvokeAsync<TableInfo>("Watch", id, Ct).WithTimeout();
        var editor = await ConnectAsync();
        var chunks = Channel.CreateUnbounded<byte[]>();
        await chunks.Writer.WriteAsync(Tsv.Numbered(1000), Ct);
        var upload = editor.InvokeAsync<TableInfo>("Upload", chunks.Reader, new UploadRequest("v2.tsv", id, editKey), Ct);

        chunks.Writer.Complete(new OperationCanceledException("the owner pressed Cancel"));

        await Assert.ThrowsAsync<HubException>(() => upload.WithTimeout());
        Assert.Equal(id, await abandoned.WaitForAsync(a => a == id));
    }

    [Fact]
    public async Task ASecondReplacementWhileOneRunsIsRefusedAndTheFirstStillLands()
    {
        var (id, editKey) = await CreateOverHttpAsync(Tsv.Numbered(3));
        var first = await ConnectAsync();
        var progress = Recorded.From<(string Id, long Bytes, long Rows)>(first, "UploadProgress");
        var chunks = Channel.CreateUnbounded<byte[]>();
        await chunks.Writer.WriteAsync(Tsv.Numbered(1000), Ct);
        var running = first.InvokeAsync<TableInfo>("Upload", chunks.Reader, new UploadRequest("first.tsv", id, editKey), Ct);
        await progress.WaitForAsync(p => p.Id == id);
        var second = await ConnectAsync();

        var e = await Assert.ThrowsAsync<HubException>(() =>
            second.InvokeAsync<TableInfo>("Upload", Tsv.Stream(Tsv.Chunks(Tsv.Numbered(2), 100)), new UploadRequest("second.tsv", id, editKey), Ct).WithTimeout());
        Assert.Contains("HubException: replacement-running: ", e.Message, StringComparison.Ordinal);

        chunks.Writer.Complete();
        var info = await running.WithTimeout();
        Assert.Equal(2, info.Version);
        Assert.Equal("first.tsv", info.Name);
        Assert.Equal(1000, info.RowCount);
    }

    [Fact]
    public async Task AnEditKeyCanBeCheckedBeforeUploading()
    {
        var (id, editKey) = await CreateOverHttpAsync(Tsv.Numbered(3));
        var owner = await ConnectAsync();

        await owner.InvokeAsync("VerifyEditKey", id, editKey, Ct).WithTimeout();
        var e = await Assert.ThrowsAsync<HubException>(() => owner.InvokeAsync("VerifyEditKey", id, editKey + "x", Ct).WithTimeout());

        Assert.Contains("HubException: edit-key-rejected: The edit key does not match this table.", e.Message, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    private async Task<HubConnection> ConnectAsync()
    {
        var connection = await factory.ConnectHubAsync(Ct);
        _connections.Add(connection);
        return connection;
    }

    private async Task<(string Id, string EditKey)> CreateOverHttpAsync(byte[] bytes)
    {
        var created = await factory.CreateTableAsync(bytes, Ct, "hub.tsv");
        return (created.Id, created.EditKey);
    }

    private async Task<TablePage> WaitForRowsAsync(string id)
    {
        var reader = await ConnectAsync();
        using var expired = new CancellationTokenSource(Timeouts.Default);
        while (true)
        {
            var page = await reader.InvokeAsync<TablePage>("GetPage", id, 1, 100, Ct).WithTimeout();
            if (page.Rows.Count > 0)
            {
                return page;
            }
            await Task.Delay(10, expired.Token);
        }
    }

    private async Task AssertGoneAsync(string id)
    {
        using var expired = new CancellationTokenSource(Timeouts.Default);
        while (await factory.Store.FindAsync(id, Ct) is not null)
        {
            await Task.Delay(10, expired.Token);
        }
        var response = await _http.GetAsync($"/api/tables/{id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
