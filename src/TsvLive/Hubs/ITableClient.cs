using TsvLive.Api;

namespace TsvLive.Hubs;

/// <summary>The events the server sends to hub clients. Method names are wire names.</summary>
public interface ITableClient
{
    Task TableReplaced(TableInfo table);

    Task UploadProgress(string id, long bytesReceived, long rowCount);

    /// <summary>A replacement whose progress watchers may have seen ended without a new version (cancelled, refused, dropped).</summary>
    Task ReplacementAbandoned(string id);

    Task ViewerCount(string id, int count);

    /// <summary>Rows were appended: the same version, the new row count, size, columns and types (contract v3).</summary>
    Task RowsAppended(TableInfo table);

    /// <summary>The table was deleted by its owner (contract v3).</summary>
    Task TableDeleted(string id);

    /// <summary>Where the presenter followed now is: the page, page size and view to show.</summary>
    Task PresenterMoved(string id, string presenterId, RowsRequest position);

    /// <summary>The presentation followed ended (its presenter stopped, or left).</summary>
    Task PresentationEnded(string id, string presenterId);

    /// <summary>(TsvLive) To the presenter: how many connections follow its presentation now.</summary>
    Task FollowerCount(string id, string presenterId, int count);
}
