namespace TsvLive.Tables;

/// <summary>
/// What happened to a table, for whoever tells the people watching it (Hubs/ implements it with
/// SignalR). Tables/ says what happened; it does not know how the news travels. Never blocks.
/// </summary>
internal interface ITableEvents
{
    /// <summary>A new version of the table is published (<paramref name="version"/> is current).</summary>
    void TableReplaced(Table table, TableVersion version);

    /// <param name="uploaderConnectionId">The uploading hub connection, which hears progress once even when it also watches.</param>
    void UploadProgress(string tableId, long bytesReceived, long rowCount, string? uploaderConnectionId);

    void ReplacementAbandoned(string tableId);

    /// <summary>Rows were appended to the table's current version (<paramref name="version"/>, the same number, more rows).</summary>
    void RowsAppended(Table table, TableVersion version);

    /// <summary>The table was deleted by its owner: gone from memory and storage.</summary>
    void TableDeleted(string tableId);
}
