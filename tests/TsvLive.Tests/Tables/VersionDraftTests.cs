using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Json;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

/// <summary>
/// An upload is written to the data directory while its bytes arrive (so storing it at the end is a
/// flush and a rename), and an upload that does not finish leaves no draft behind.
/// </summary>
public sealed class VersionDraftTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new("tsvlive-drafts-");

    private string Data => _directory.Path;

    private string Drafts => Path.Combine(Data, "drafts");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnUploadIsWrittenToTheDataDirectoryWhileItsBytesArrive()
    {
        await using var app = new TsvLiveFactory().With("TsvLive:DataDirectory", Data);
        using var http = app.CreateHttpClient();
        var bytes = Tsv.Numbered(100_000);
        var body = new Pipe();
        var upload = http.PostAsync("/api/tables?name=arriving.tsv", new StreamContent(body.Reader.AsStream()), Ct);

        var half = bytes.Length / 2;
        await body.Writer.WriteAsync(bytes.AsMemory(0, half), Ct);
        // (The client and the server may still hold a buffer's worth of what was sent.)
        Assert.True(await Timeouts.Until(() => DraftBytes() >= half - 64 * 1024), $"The draft holds {DraftBytes()} of the {half} bytes sent so far.");

        await body.Writer.WriteAsync(bytes.AsMemory(half), Ct);
        await body.Writer.CompleteAsync();
        var created = await (await upload.WithTimeout()).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(Ct);

        Assert.Empty(Directory.GetFiles(Drafts));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(Data, "tables", created!.Id, "1.tsv"), Ct));
        Assert.Equal(bytes, await http.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct));
    }

    [Fact]
    public async Task AnUploadThatStopsHalfWayLeavesNoDraftBehind()
    {
        await using var app = new TsvLiveFactory().With("TsvLive:DataDirectory", Data);
        using var http = app.CreateHttpClient();
        var table = await app.CreateTableAsync(Tsv.Numbered(10), Ct);
        var bytes = Tsv.Numbered(100_000, prefix: "never");
        var body = new Pipe();
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{table.Id}") { Content = new StreamContent(body.Reader.AsStream()) };
        put.Headers.Add("X-Edit-Key", table.EditKey);
        var replacement = http.SendAsync(put, giveUp.Token);
        await body.Writer.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), Ct);
        Assert.True(await Timeouts.Until(() => DraftBytes() > 0), "No draft was written while the replacement arrived.");

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => replacement.WithTimeout());

        Assert.True(await Timeouts.Until(() => Directory.GetFiles(Drafts).Length == 0), "The cut upload's draft was left behind.");
        Assert.Equal(Tsv.Numbered(10), await http.GetByteArrayAsync($"/api/tables/{table.Id}/file", Ct));
        Assert.Equal(["1.tsv", "table.json"], Directory.GetFiles(Path.Combine(Data, "tables", table.Id)).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task AnUploadWhoseBytesCannotBeWrittenIsRefusedWithWhatIsStoredIntact()
    {
        await using var app = new TsvLiveFactory().With("TsvLive:DataDirectory", Data);
        using var http = app.CreateHttpClient();
        var table = await app.CreateTableAsync(Tsv.Numbered(10), Ct);
        Directory.Delete(Drafts);
        await File.WriteAllTextAsync(Drafts, "a file where the drafts go", Ct);

        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{table.Id}") { Content = new ByteArrayContent(Tsv.Numbered(50_000)) };
        put.Headers.Add("X-Edit-Key", table.EditKey);
        var refused = await http.SendAsync(put, Ct);

        await refused.AssertProblemAsync(HttpStatusCode.InsufficientStorage, Ct, code: "storage-failed");
        var info = await http.GetFromJsonAsync<TableInfo>($"/api/tables/{table.Id}", Ct);
        Assert.Equal(1, info!.Version);
        Assert.Equal(Tsv.Numbered(10), await http.GetByteArrayAsync($"/api/tables/{table.Id}/file", Ct));
    }

    public void Dispose() => _directory.Dispose();

    private long DraftBytes() => Directory.GetFiles(Drafts).Sum(file => new FileInfo(file).Length);
}
