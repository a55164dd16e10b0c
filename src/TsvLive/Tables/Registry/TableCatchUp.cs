using TsvLive.Tables.Memory;

namespace TsvLive.Tables.Registry;

/// <summary>
/// With several instances: reads again the newest stored version of a table held here when another
/// instance stored a newer one, once however many ask at the same moment, and publishes it through
/// <see cref="TableMemory"/>. When it cannot be read, the version held is served meanwhile.
/// </summary>
internal sealed partial class TableCatchUp(StoredTableReader reader, TableMemory memory, ILogger<TableCatchUp> logger)
{
    private readonly SharedRuns _catchingUp = new();

    /// <summary>Reads the newest stored version of a table held here; whether it moved on.</summary>
    public async Task<bool> CatchUpAsync(Table table, CancellationToken cancellationToken)
    {
        var before = table.Current.Version;
        try
        {
            await _catchingUp.JoinAsync(table.Id, () => ReadNewestAsync(table), cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Serving the version held beats failing: the next read tries again.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogNotCaughtUp(table.Id, table.NewestKnown, e.Message);
        }
        return table.Current.Version > before;
    }

    /// <summary>Catches up without anyone waiting (a newer version was announced).</summary>
    public void InBackground(Table table) => _ = CatchUpAsync(table, CancellationToken.None);

    private async Task ReadNewestAsync(Table table)
    {
        if (await reader.ReadAsync(table.Id, newerThan: table.Current.Version, CancellationToken.None).ConfigureAwait(false) is not var (stored, content))
        {
            return;
        }
        using var reservation = memory.Reserve(stored.ChargedTo, credit: table.Current.Content().HeldBytes);
        reservation.Resize(content.HeldBytes);
        memory.Publish(table, new TableVersion(stored.Version, stored.Name, stored.UpdatedAt, content, stored.ChargedTo), reservation, stored.OlderSummaries);
    }

    [LoggerMessage(LogLevel.Warning, "Table {TableId} version {Version} could not be read; the version held is served meanwhile: {Reason}")]
    private partial void LogNotCaughtUp(string tableId, int version, string reason);
}
