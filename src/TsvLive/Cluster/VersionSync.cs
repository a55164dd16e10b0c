using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TsvLive.Hubs;
using TsvLive.Tables;
using TsvLive.Tables.Registry;

namespace TsvLive.Cluster;

/// <summary>
/// Keeps this instance's copies of tables on the newest stored version. Every stored version is
/// announced on <see cref="RedisKeys.Versions"/>: a copy held here is read again at once (and until
/// then not served). Announcements can be missed (this instance lost Redis for a while), so the
/// versions of the tables held here are also checked every TsvLive:VersionCheckInterval and as soon
/// as Redis is back; a table that moved on is read again and its watchers get the
/// <c>TableReplaced</c> they missed. Rows appended through another instance are announced on
/// <see cref="RedisKeys.Appends"/> with the version's new size: a copy held here reads the bytes it
/// lacks (and the same check catches up a copy that missed the announcement).
/// </summary>
internal sealed partial class VersionSync(
    RedisConnection redis,
    RedisTableStorage storage,
    TableStore store,
    TableCatchUp catchUp,
    ITableEvents events,
    ViewerRegistry viewers,
    IOptions<TsvLiveOptions> options,
    ILogger<VersionSync> logger) : BackgroundService
{
    private readonly SemaphoreSlim _restored = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Fire and forget: while Redis is down the subscription is made when it comes (and again after every reconnect).
        redis.Multiplexer.GetSubscriber().Subscribe(RedisKeys.Versions, (_, message) => Announced(message), CommandFlags.FireAndForget);
        redis.Multiplexer.GetSubscriber().Subscribe(RedisKeys.Appends, (_, message) => Appended(message), CommandFlags.FireAndForget);
        redis.Multiplexer.ConnectionRestored += OnRestored;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _restored.WaitAsync(options.Value.VersionCheckInterval, stoppingToken).ConfigureAwait(false);
                await CheckAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            redis.Multiplexer.ConnectionRestored -= OnRestored;
        }
    }

    private void OnRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // Other instances may have dropped this one's viewers meanwhile: count them all again.
        viewers.MarkAllChanged();
        _restored.Release();
    }

    /// <summary>"{instance} {id} {version}"; this instance's own versions are published here already.</summary>
    private void Announced(RedisValue message)
    {
        var parts = message.ToString().Split(' ');
        if (parts.Length == 3 && parts[0] != redis.InstanceId && int.TryParse(parts[2], CultureInfo.InvariantCulture, out var version))
        {
            store.VersionStored(parts[1], version);
        }
    }

    /// <summary>"{instance} {id} {version} {size}"; this instance's own appends are here already.</summary>
    private void Appended(RedisValue message)
    {
        var parts = message.ToString().Split(' ');
        if (parts.Length == 4 && parts[0] != redis.InstanceId && int.TryParse(parts[2], CultureInfo.InvariantCulture, out var version)
            && long.TryParse(parts[3], CultureInfo.InvariantCulture, out var size))
        {
            store.RowsStored(parts[1], version, size);
        }
    }

    /// <summary>Compares the versions held here with the stored ones, and catches up where one was missed.</summary>
    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            return;
        }
        // Tables still arriving are not stored yet; they are this instance's own. (An arriving table's
        // bytes can all be in while they are still being stored: only a finished version is stored.)
        var held = store.InMemory.Where(t => t.Current.Source is TableContent { Complete: true }).ToList();
        if (held.Count == 0)
        {
            return;
        }
        (int Version, long Size)[] stored;
        try
        {
            stored = await storage.VersionsAsync([.. held.Select(t => t.Id)], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            LogCheckFailed(e.Message);
            return;
        }
        for (var i = 0; i < held.Count; i++)
        {
            var table = held[i];
            if (stored[i].Version == 0)
            {
                store.VersionStored(table.Id, 0);
            }
            else if (stored[i].Version == table.Current.Version)
            {
                store.RowsStored(table.Id, stored[i].Version, stored[i].Size);
            }
            else if (stored[i].Version > table.Current.Version)
            {
                table.NoteStoredVersion(stored[i].Version);
                if (await catchUp.CatchUpAsync(table, cancellationToken).ConfigureAwait(false))
                {
                    LogCaughtUp(table.Id, table.Current.Version);
                    events.TableReplaced(table, table.Current);
                }
            }
        }
    }

    public override void Dispose()
    {
        _restored.Dispose();
        base.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "Table {TableId} had moved on to version {Version} while this instance did not hear of it; its watchers were told")]
    private partial void LogCaughtUp(string tableId, int version);

    [LoggerMessage(LogLevel.Debug, "Checking the stored versions failed; tried again later: {Reason}")]
    private partial void LogCheckFailed(string reason);
}
