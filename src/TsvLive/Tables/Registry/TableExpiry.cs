using Microsoft.Extensions.Options;
using TsvLive.Tables.Memory;
using TsvLive.Tables.Storage;

namespace TsvLive.Tables.Registry;

/// <summary>
/// When TsvLive:ExpireAfter is set, deletes the tables nobody viewed for that long, from memory and
/// from storage, a few times per period (at most hourly), and logs each one it deletes.
/// </summary>
internal sealed partial class TableExpiry(TableMemory memory, ITableStorage storage, IOptions<TsvLiveOptions> options, ILogger<TableExpiry> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.ExpireAfter is not { } unused)
        {
            return;
        }
        var every = TimeSpan.FromTicks(Math.Min(unused.Ticks / 4, TimeSpan.FromHours(1).Ticks));
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var id in await SweepAsync(unused, stoppingToken))
                {
                    LogExpired(id, unused);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(e.Message); // the storage is unreachable now: the next sweep tries again
            }
        }
    }

    /// <summary>
    /// Deletes the tables not viewed for <paramref name="unused"/>: from memory (through
    /// <see cref="TableMemory.Drop"/>, caches and all) and from storage. Tables being uploaded or
    /// replaced stay. Returns the ids deleted.
    /// </summary>
    public async Task<IReadOnlyList<string>> SweepAsync(TimeSpan unused, CancellationToken cancellationToken)
    {
        var deleted = new List<string>();
        var cutoffTicks = Environment.TickCount64 - (long)unused.TotalMilliseconds;
        var stored = await storage.NotViewedSinceAsync(DateTimeOffset.UtcNow - unused, cancellationToken).ConfigureAwait(false);
        var inMemoryOnly = storage.KeepsTables ? [] : memory.Tables.Where(t => t.LastUsed < cutoffTicks).Select(t => t.Id);
        foreach (var id in stored.Concat(inMemoryOnly).Distinct())
        {
            if (memory.Find(id) is { } table)
            {
                if (table.IsChanging || !table.Current.Content().Complete || table.LastUsed >= cutoffTicks || memory.Drop(table) is null)
                {
                    continue;
                }
            }
            try
            {
                await storage.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                LogNotDeleted(id, e.Message); // written to at this very moment: the next sweep looks again
                continue;
            }
            deleted.Add(id);
        }
        return deleted;
    }

    [LoggerMessage(LogLevel.Warning, "The expiry sweep failed and is tried again later: {Reason}")]
    private partial void LogSweepFailed(string reason);

    [LoggerMessage(LogLevel.Information, "Table {TableId} was not deleted now; the next sweep tries again: {Reason}")]
    private partial void LogNotDeleted(string tableId, string reason);

    [LoggerMessage(LogLevel.Information, "Deleted table {TableId}: nobody viewed it for {Unused}")]
    private partial void LogExpired(string tableId, TimeSpan unused);
}
