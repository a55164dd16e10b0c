using System.Collections.Concurrent;

using TsvLive.Operations;

namespace TsvLive.Hubs;

/// <summary>
/// Who watches which table, and which tables' viewer counts changed since they were last sent.
/// Counts are sent coalesced by <see cref="ViewerCountBroadcaster"/>, so 10,000 viewers joining
/// cause a few messages per viewer, not 10,000 each.
/// </summary>
internal sealed class ViewerRegistry
{
    public ViewerRegistry(TsvLiveMetrics metrics) =>
        metrics.Observe("tsvlive.watchers", "{connection}", "Hub connections watching a table", () => _viewersByTable.Values.Sum(v => (long)v.Count));

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _viewersByTable = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _tablesByConnection = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _changed = new(StringComparer.Ordinal);

    public int Count(string tableId) => _viewersByTable.TryGetValue(tableId, out var viewers) ? viewers.Count : 0;

    public void Watch(string connectionId, string tableId)
    {
        _tablesByConnection.GetOrAdd(connectionId, _ => new(StringComparer.Ordinal)).TryAdd(tableId, 0);
        if (_viewersByTable.GetOrAdd(tableId, _ => new(StringComparer.Ordinal)).TryAdd(connectionId, 0))
        {
            _changed.TryAdd(tableId, 0);
        }
    }

    /// <summary>False when the connection was not watching the table.</summary>
    public bool Unwatch(string connectionId, string tableId)
    {
        if (_tablesByConnection.TryGetValue(connectionId, out var tables))
        {
            tables.TryRemove(tableId, out _);
        }
        return Leave(connectionId, tableId);
    }

    public void Disconnected(string connectionId)
    {
        if (_tablesByConnection.TryRemove(connectionId, out var tables))
        {
            foreach (var tableId in tables.Keys)
            {
                Leave(connectionId, tableId);
            }
        }
    }

    /// <summary>Marks tables' counts as to be sent again (sending them failed).</summary>
    public void MarkChanged(IEnumerable<string> tableIds)
    {
        foreach (var tableId in tableIds)
        {
            _changed.TryAdd(tableId, 0);
        }
    }

    /// <summary>Marks every watched table's count as to be sent again.</summary>
    public void MarkAllChanged() => MarkChanged(_viewersByTable.Keys);

    /// <summary>The tables whose counts changed since the last call, now marked as sent.</summary>
    public IEnumerable<(string TableId, int Count)> TakeChanged()
    {
        foreach (var tableId in _changed.Keys)
        {
            _changed.TryRemove(tableId, out _);
            yield return (tableId, Count(tableId));
        }
    }

    private bool Leave(string connectionId, string tableId)
    {
        if (!_viewersByTable.TryGetValue(tableId, out var viewers) || !viewers.TryRemove(connectionId, out _))
        {
            return false;
        }
        // An emptied set is kept (a few bytes): removing it could lose a viewer joining at that moment.
        _changed.TryAdd(tableId, 0);
        return true;
    }
}
