using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

/// <summary>
/// Deleting a table (contract v3): its owner only; every version leaves memory and the data
/// directory; watchers hear TableDeleted; an upload or replacement still running ends with table-deleted.
/// </summary>
public sealed class DeleteTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new("tsvlive-delete-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheOwnerDeletesEveryVersionAndEveryWatcherIsToldAtOnce()
    {
        await using var app = App();
        using var http = app.CreateHttpClient();
        var heldBefore = app.Budget.Held;
        var created = await app.CreateTableAsync(Tsv.Numbered(500), Ct);
        await ReplaceAsync(http, created, Tsv.Numbered(600));
        await http.GetAsync($"/api/tables/{created.Id}/changes", Ct); // an older version read and a change cached
        await using var watcher = await app.ConnectHubAsync(Ct);
        var deleted = new Recorded<string>();
        watcher.On<string>("TableDeleted", deleted.Add);
        await watcher.InvokeAsync<TableInfo>("Watch", created.Id, Ct);
        Assert.True(Directory.Exists(Folder(created.Id)));

        var answer = await Delete(http, created.Id, created.EditKey);

        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal(created.Id, await deleted.WaitForAsync(_ => true));
        Assert.False(Directory.Exists(Folder(created.Id)));
        foreach (var path in new[] { "", "/rows", "/file", "/versions", "/file?version=1" })
        {
            await (await http.GetAsync($"/api/tables/{created.Id}{path}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound, Ct, code: "table-not-found");
        }
        Assert.Equal(heldBefore, app.Budget.Held);
        Assert.Empty(app.Memory.OlderHeld);
        // Deleted is deleted: a second time it is not found.
        await (await Delete(http, created.Id, created.EditKey)).AssertProblemAsync(HttpStatusCode.NotFound, Ct, code: "table-not-found");
    }

    [Fact]
    public async Task OnlyTheEditKeyDeletesAndNothingChangesOtherwise()
    {
        await using var app = App();
        using var http = app.CreateHttpClient();
        var created = await app.CreateTableAsync(Tsv.Numbered(50), Ct);

        await (await Delete(http, created.Id, editKey: null)).AssertProblemAsync(HttpStatusCode.Forbidden, Ct, code: "edit-key-rejected");
        await (await Delete(http, created.Id, "wrong-key-wrong-key-wrong")).AssertProblemAsync(HttpStatusCode.Forbidden, Ct, code: "edit-key-rejected");
        await (await Delete(http, "nosuchtablenosuchtable00", created.EditKey)).AssertProblemAsync(HttpStatusCode.NotFound, Ct, code: "table-not-found");
        await using var hub = await app.ConnectHubAsync(Ct);
        var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("Delete", created.Id, "wrong-key-wrong-key-wrong", Ct));
        Assert.Contains("HubException: edit-key-rejected:", refused.Message, StringComparison.Ordinal);

        Assert.Equal(Tsv.Numbered(50), await http.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct));
        await hub.InvokeAsync("Delete", created.Id, created.EditKey, Ct);
        await (await http.GetAsync($"/api/tables/{created.Id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound, Ct, code: "table-not-found");
    }

    [Fact]
    public async Task AReplacementStillArrivingEndsWithTableDeletedAndLeavesNothing()
    {
        await using var app = App();
        using var http = app.CreateHttpClient();
        var created = await app.CreateTableAsync(Tsv.Numbered(50), Ct);
        await using var uploader = await app.ConnectHubAsync(Ct);
        var chunks = Channel.CreateUnbounded<byte[]>();
        var replacing = uploader.InvokeAsync<TableInfo>("Upload", chunks.Reader.ReadAllAsync(Ct), new { name = "v2.tsv", id = created.Id, editKey = created.EditKey }, Ct);
        await chunks.Writer.WriteAsync(Tsv.Numbered(1000)[..5000], Ct);
        await Timeouts.Until(() => app.Store.InMemory.Single(t => t.Id == created.Id).IsReplacing);

        Assert.Equal(HttpStatusCode.NoContent, (await Delete(http, created.Id, created.EditKey)).StatusCode);

        var error = await Assert.ThrowsAsync<HubException>(() => replacing.WithTimeout());
        Assert.Contains("HubException: table-deleted:", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Folder(created.Id)));
        Assert.Empty(Directory.GetFiles(_directory.Path, "*.tmp", SearchOption.AllDirectories));
        Assert.Empty(app.Store.InMemory);
    }

    [Fact]
    public async Task ANewTableDeletedWhileItArrivesEndsItsUploadWithTableDeleted()
    {
        await using var app = App();
        using var http = app.CreateHttpClient();
        await using var uploader = await app.ConnectHubAsync(Ct);
        var progress = new Recorded<string>();
        uploader.On<string, long, long>("UploadProgress", (id, _, _) => progress.Add(id));
        var chunks = Channel.CreateUnbounded<byte[]>();
        var uploading = uploader.InvokeAsync<TableCreated>("Upload", chunks.Reader.ReadAllAsync(Ct), new { name = "new.tsv" }, Ct);
        await chunks.Writer.WriteAsync(Tsv.Numbered(1000)[..5000], Ct);
        var id = await progress.WaitForAsync(_ => true);
        // The uploader has no edit key before the upload ends: the table stays until it is finished or deleted by the key.
        var table = app.Store.InMemory.Single(t => t.Id == id);
        table.MarkDeleted();

        var error = await Assert.ThrowsAsync<HubException>(() => uploading.WithTimeout());
        Assert.Contains("HubException: table-deleted:", error.Message, StringComparison.Ordinal);
        Assert.Empty(app.Store.InMemory);
        Assert.Empty(Directory.GetDirectories(Path.Combine(_directory.Path, "tables")));
    }

    public void Dispose() => _directory.Dispose();

    private TsvLiveFactory App() => new TsvLiveFactory().With("TsvLive:DataDirectory", _directory.Path);

    private string Folder(string id) => Path.Combine(_directory.Path, "tables", id);

    private static Task<HttpResponseMessage> Delete(HttpClient http, string id, string? editKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/tables/{id}");
        if (editKey is not null)
        {
            request.Headers.Add("X-Edit-Key", editKey);
        }
        return http.SendAsync(request, Ct);
    }

    private static async Task ReplaceAsync(HttpClient http, TableCreated table, byte[] bytes)
    {
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{table.Id}") { Content = new ByteArrayContent(bytes) };
        put.Headers.Add("X-Edit-Key", table.EditKey);
        (await http.SendAsync(put, Ct)).EnsureSuccessStatusCode();
    }
}
