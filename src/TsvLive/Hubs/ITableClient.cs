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
}
