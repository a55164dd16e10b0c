using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TsvLive.Api;
using TsvLive.Errors;
using TsvLive.Limits;
using TsvLive.Operations;
using TsvLive.Tables.Appends;
using TsvLive.Tables.Changes;
using TsvLive.Tables.Paging;
using TsvLive.Tables.Registry;
using TsvLive.Tables.Text;
using TsvLive.Tables.Uploads;
using TsvLive.Tables.Views;

namespace TsvLive.Hubs;

/// <summary>The real-time side of TsvLive: watch tables, page them, upload and replace them.</summary>
internal sealed class TablesHub(
    TableStore store,
    PageReader pages,
    PageReadGate pageReads,
    UploadService uploads,
    TableDeletion deletion,
    TableAppender appender,
    ColumnStatsReader stats,
    ChangesReader changes,
    ViewerRegistry viewers,
    Presentations presentations,
    TsvLiveMetrics metrics,
    IOptions<TsvLiveOptions> options) : Hub<ITableClient>
{
    public const string Path = "/hubs/tables";

    public async Task<TableInfo> Watch(string id)
    {
        var table = await store.GetAsync(id, Context.ConnectionAborted);
        await Groups.AddToGroupAsync(Context.ConnectionId, TableEvents.Group(table.Id), Context.ConnectionAborted);
        viewers.Watch(Context.ConnectionId, table.Id);
        return TableInfo.Of(table);
    }

    public async Task Unwatch(string id)
    {
        if (viewers.Unwatch(Context.ConnectionId, id))
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, TableEvents.Group(id), Context.ConnectionAborted);
        }
    }

    public Task<TablePage> GetPage(string id, long page, int pageSize) => GetRows(id, new RowsRequest(page, pageSize));

    /// <summary>A page of a view (sort, filter, find), with the same rules as GET /api/tables/{id}/rows.</summary>
    public Task<TablePage> GetRows(string id, RowsRequest? request) => ReadRowsAsync(id, request, Context.ConnectionAborted);

    /// <summary>
    /// <see cref="GetRows"/> as a stream of one page, which the client can cancel: a page that no longer
    /// wants the answer (its viewer typed on, or moved elsewhere) cancels it, and the view's computation
    /// stops. Streams run beside the connection's other calls, so a slow view never holds them up.
    /// </summary>
    public async Task<IAsyncEnumerable<TablePage>> StreamRows(string id, RowsRequest? request, CancellationToken cancellationToken)
    {
        // Off the connection's message loop before any work: the loop must stay free to hear the cancel.
        await Task.Yield();
        var page = await ReadRowsAsync(id, request, cancellationToken);
        return One(page);

        static async IAsyncEnumerable<TablePage> One(TablePage page)
        {
            await Task.CompletedTask;
            yield return page;
        }
    }

    /// <summary>A column's stats (N from 1), as GET /api/tables/{id}/columns/{N}.</summary>
    public Task<ColumnStats> GetColumnStats(string id, int column) => stats.ReadAsync(id, column, Client, Context.ConnectionAborted);

    /// <summary>A page of the changes between two kept versions, with the same rules as GET /api/tables/{id}/changes.</summary>
    public async Task<TableChangesPage> GetChanges(string id, ChangesRequest? request)
    {
        using var reading = await pageReads.EnterAsync(Client, Context.ConnectionAborted);
        return TableChangesPage.Of(await changes.ReadAsync(id, (request ?? new ChangesRequest()).ToQuery(), Client, Context.ConnectionAborted));
    }

    /// <summary>Deletes the table (every version) for the holder of its edit key; its watchers get TableDeleted.</summary>
    public Task Delete(string id, string editKey) => deletion.DeleteAsync(id, editKey, Context.ConnectionAborted);

    /// <summary>Checks an edit key before a replacement is uploaded: returns when it matches, else an edit-key-rejected error.</summary>
    public async Task VerifyEditKey(string id, string editKey) => (await store.GetAsync(id, Context.ConnectionAborted)).RequireEditKey(editKey);

    /// <summary>Creates a table (no id) or replaces one (id and edit key) from a stream of chunks of up to 64 KiB.</summary>
    public async Task<TableInfo> Upload(IAsyncEnumerable<byte[]> chunks, UploadRequest? request)
    {
        var aborted = Context.ConnectionAborted;
        var bytes = chunks.AsChunks(aborted);
        var http = Context.GetHttpContext()!;
        var uploader = new Uploader(Context.ConnectionId, http.ClientKey());
        request ??= new UploadRequest(Name: null);
        var separator = SeparatorNames.FromRequest(request.Separator);
        if (request.Id is null)
        {
            var (table, version, editKey) = await uploads.CreateAsync(bytes, request.Name, separator, uploader, aborted);
            return TableCreated.Of(table, version, TableLinks.For(http.Request, options.Value.PublicBaseUrl), editKey);
        }
        var (replaced, current) = await uploads.ReplaceAsync(request.Id, request.EditKey, bytes, request.Name, separator, uploader, aborted);
        return TableInfo.Of(replaced, current);
    }

    /// <summary>Appends a stream of chunks (records without a header) to a table's current version: as POST /api/tables/{id}/rows.</summary>
    public async Task<Appended> Append(IAsyncEnumerable<byte[]> chunks, UploadRequest? request)
    {
        var aborted = Context.ConnectionAborted;
        var uploader = new Uploader(Context.ConnectionId, Context.GetHttpContext()!.ClientKey());
        return Appended.Of(await appender.AppendAsync(request?.Id, request?.EditKey, chunks.AsChunks(aborted), uploader, aborted));
    }

    /// <summary>Starts presenting a table: followers of the id returned see where this connection is (<see cref="MovePresentation"/>).</summary>
    public async Task<PresentationStarted> Present(string id)
    {
        var table = await store.GetAsync(id, Context.ConnectionAborted);
        return new PresentationStarted(presentations.Start(table.Id, Context.ConnectionId));
    }

    /// <summary>Tells the followers where the presenter is now; only the presenting connection may.</summary>
    public void MovePresentation(string id, string presenterId, RowsRequest position) =>
        presentations.Move(id, presenterId, Context.ConnectionId, position);

    /// <summary>Follows a presentation: at once its position now (PresenterMoved), then every move.</summary>
    public async Task Follow(string id, string presenterId)
    {
        var table = await store.GetAsync(id, Context.ConnectionAborted);
        // In the group first, then the position: no move falls between the two.
        await Groups.AddToGroupAsync(Context.ConnectionId, Presentations.Group(presenterId), Context.ConnectionAborted);
        RowsRequest position;
        try
        {
            position = await presentations.FollowAsync(table.Id, presenterId, Context.ConnectionId, Context.ConnectionAborted);
        }
        catch (PresentationNotFoundException)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, Presentations.Group(presenterId), Context.ConnectionAborted);
            throw;
        }
        await Clients.Caller.PresenterMoved(table.Id, presenterId, position);
    }

    public async Task Unfollow(string id, string presenterId)
    {
        if (presentations.Unfollow(presenterId, Context.ConnectionId))
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, Presentations.Group(presenterId), Context.ConnectionAborted);
        }
    }

    /// <summary>Ends the presentation: its followers are told (PresentationEnded).</summary>
    public void StopPresenting(string id, string presenterId) => presentations.Stop(id, presenterId, Context.ConnectionId);

    private async Task<TablePage> ReadRowsAsync(string id, RowsRequest? request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var client = Client;
        using var reading = await pageReads.EnterAsync(client, cancellationToken);
        var read = TablePage.Of(await pages.PlanAsync(id, (request ?? new RowsRequest()).ToQuery(), client, cancellationToken));
        metrics.PageRead(Stopwatch.GetElapsedTime(started));
        return read;
    }

    /// <summary>The connection's client, as the per-address limits count it.</summary>
    private string Client => Context.GetHttpContext()?.ClientKey() ?? "unknown";

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        viewers.Disconnected(Context.ConnectionId);
        presentations.Disconnected(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
