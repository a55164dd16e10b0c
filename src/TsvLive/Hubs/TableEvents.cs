using Microsoft.AspNetCore.SignalR;
using TsvLive.Api;
using TsvLive.Tables;

namespace TsvLive.Hubs;

/// <summary>
/// Sends the hub's events. Sending never makes the caller wait: an upload must not slow down
/// because one viewer reads its socket slowly, and a failed send is logged, not thrown.
/// </summary>
internal sealed partial class TableEvents(IHubContext<TablesHub, ITableClient> hub, ILogger<TableEvents> logger) : ITableEvents
{
    public static string Group(string tableId) => "table:" + tableId;

    public void TableReplaced(Table table, TableVersion version) =>
        Send(hub.Clients.Group(Group(table.Id)).TableReplaced(TableInfo.Of(table, version, version.Content())));

    /// <summary>To every watcher of the table and to the uploading connection (once, if it also watches).</summary>
    public void UploadProgress(string tableId, long bytesReceived, long rowCount, string? uploaderConnectionId)
    {
        if (uploaderConnectionId is null)
        {
            Send(hub.Clients.Group(Group(tableId)).UploadProgress(tableId, bytesReceived, rowCount));
            return;
        }
        Send(hub.Clients.GroupExcept(Group(tableId), uploaderConnectionId).UploadProgress(tableId, bytesReceived, rowCount));
        Send(hub.Clients.Client(uploaderConnectionId).UploadProgress(tableId, bytesReceived, rowCount));
    }

    public void ReplacementAbandoned(string tableId) => Send(hub.Clients.Group(Group(tableId)).ReplacementAbandoned(tableId));

    public void RowsAppended(Table table, TableVersion version) =>
        Send(hub.Clients.Group(Group(table.Id)).RowsAppended(TableInfo.Of(table, version, version.Content())));

    public void TableDeleted(string tableId) => Send(hub.Clients.Group(Group(tableId)).TableDeleted(tableId));

    public void ViewerCount(string tableId, int count) => Send(hub.Clients.Group(Group(tableId)).ViewerCount(tableId, count));

    /// <summary>Lets a hub send (or anything that ends in one) run on; its failure is logged when it comes.</summary>
    public void Send(Task sending) => _ = ObserveAsync(sending);

    private async Task ObserveAsync(Task sending)
    {
        try
        {
            await sending.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A notice that cannot be delivered must not take anything else down.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogSendFailed(e);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Sending a hub event failed")]
    private partial void LogSendFailed(Exception exception);
}
