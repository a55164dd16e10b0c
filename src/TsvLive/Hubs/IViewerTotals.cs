namespace TsvLive.Hubs;

/// <summary>How many watch each table, over every instance (<see cref="LocalViewerTotals"/> when there is one).</summary>
internal interface IViewerTotals
{
    /// <summary>How often counts are exchanged even when none changed here (a heartbeat); null when only changes matter.</summary>
    TimeSpan? Heartbeat { get; }

    /// <summary>
    /// Records this instance's counts of the tables given and returns the totals to send: of those
    /// tables, and of any whose count changed elsewhere (for instance an instance that stopped).
    /// </summary>
    Task<IReadOnlyList<(string TableId, int Count)>> ExchangeAsync(IReadOnlyList<(string TableId, int Count)> local, CancellationToken cancellationToken);
}

/// <summary>One instance: its counts are the totals.</summary>
internal sealed class LocalViewerTotals : IViewerTotals
{
    public TimeSpan? Heartbeat => null;

    public Task<IReadOnlyList<(string TableId, int Count)>> ExchangeAsync(IReadOnlyList<(string TableId, int Count)> local, CancellationToken cancellationToken) =>
        Task.FromResult(local);
}
