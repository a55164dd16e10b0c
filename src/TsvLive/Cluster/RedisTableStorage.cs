using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TsvLive.Errors;
using TsvLive.Tables;
using TsvLive.Tables.Storage;

namespace TsvLive.Cluster;

/// <summary>
/// The tables in Redis, shared by every instance (see <see cref="RedisKeys"/>). A version's chunks
/// are written first, with an expiry, so an upload that fails or a crash leaves nothing that lasts;
/// the commit script then makes them the table's current version in one step and announces it.
/// While Redis cannot be reached nothing is stored (<see cref="StorageUnavailableException"/>), and
/// nothing that was stored changes.
/// </summary>
internal sealed partial class RedisTableStorage(RedisConnection redis, IOptions<TsvLiveOptions> options, ILogger<RedisTableStorage> logger) : ITableStorage
{
    /// <summary>Chunk writes and reads on the way at once: enough to keep the connection busy.</summary>
    private const int ChunksInFlight = 8;

    /// <summary>How long written chunks last before their version is committed (then they last for good).</summary>
    private static readonly TimeSpan s_uncommittedLife = TimeSpan.FromHours(1);

    /// <summary>How long an "arriving" mark lasts unless renewed (the uploading instance renews it every few seconds).</summary>
    private static readonly TimeSpan s_arrivingLife = TimeSpan.FromMinutes(1);

    /// <summary>How long the chunks of a version no longer kept stay for the instances still reading them.</summary>
    private static readonly TimeSpan s_replacedLife = TimeSpan.FromMinutes(1);

    public bool KeepsTables => true;

    public bool IsAvailable => redis.IsConnected;

    /// <summary>Versions are stored whole when saved (chunks written while arriving would be a next step).</summary>
    public IVersionDraft Draft() => NoDraft.Instance;

    public async Task<SavedVersion> SaveAsync(StoredTable table, TableContent content, IVersionDraft draft, CancellationToken cancellationToken)
    {
        var database = redis.Database;
        var contentId = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        var chunks = 0;
        try
        {
            var writing = new Queue<Task>();
            foreach (var segment in content.Raw.Segments(content.SizeBytes))
            {
                writing.Enqueue(database.StringSetAsync(RedisKeys.Chunk(contentId, chunks++), segment, s_uncommittedLife));
                if (writing.Count >= ChunksInFlight)
                {
                    await writing.Dequeue().WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            await Task.WhenAll(writing).WaitAsync(cancellationToken).ConfigureAwait(false);
            var committed = (RedisResult[])(await database.ScriptEvaluateAsync(RedisScripts.Commit, [RedisKeys.Table(table.Id)],
            [
                redis.InstanceId, table.Id, table.EditKeyHash, Text(table.CreatedAt), table.Name, Text(table.UpdatedAt), table.ChargedTo,
                contentId, chunks, content.SizeBytes, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), (long)s_replacedLife.TotalMilliseconds,
                table.Separator ?? "", content.RowCount, options.Value.KeepVersions, table.Version > 1 ? 1 : 0,
            ]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
            return new SavedVersion((int)committed[0], [.. Older(committed[1].ToString()).Select(v => v.Stored)]);
        }
        catch (Exception e)
        {
            Forget(contentId, chunks); // they would expire anyway
            if (e is RedisServerException && e.Message.Contains("TSVLIVE the table was deleted", StringComparison.Ordinal))
            {
                throw new TableDeletedException();
            }
            if (IsRedisFailure(e))
            {
                throw Translate(e);
            }
            throw;
        }
    }

    /// <summary>The most bytes one chunk holds: a version's chunks as saved, and the size appended records fill a chunk up to.</summary>
    private const int ChunkBytes = 1 << 20;

    /// <summary>The most appended bytes read back in one round trip.</summary>
    private const int AppendedBytesPerRead = 4 << 20;

    /// <summary>
    /// The records appended since <paramref name="from"/>, in one step (<see cref="RedisScripts.Append"/>):
    /// once Redis has them they are the version's, and the other instances hear of the new size.
    /// </summary>
    public async Task AppendAsync(string id, int version, TableContent content, long from, CancellationToken cancellationToken)
    {
        var bytes = new byte[content.SizeBytes - from];
        content.Raw.CopyTo(from, bytes);
        try
        {
            await redis.Database.ScriptEvaluateAsync(RedisScripts.Append, [RedisKeys.Table(id)],
            [
                redis.InstanceId, id, version, from, bytes, content.RowCount, Text(DateTimeOffset.UtcNow), ChunkBytes,
            ]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.Contains("TSVLIVE ", StringComparison.Ordinal))
        {
            throw e.Message.Contains("deleted", StringComparison.Ordinal) ? new TableDeletedException()
                : e.Message.Contains("replaced", StringComparison.Ordinal) ? new TableReplacedException()
                : new AppendRunningException();
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            throw Translate(e);
        }
    }

    public async Task<AppendedBytes?> ReadAppendedAsync(string id, int version, long from, CancellationToken cancellationToken)
    {
        RedisResult[] read;
        try
        {
            read = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(RedisScripts.ReadAppended, [RedisKeys.Table(id)], [version, from, AppendedBytesPerRead])
                .WaitAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            throw Translate(e);
        }
        return read.Length == 3 ? new AppendedBytes((byte[])read[1]!, (long)read[0], Time((RedisValue)read[2])) : null;
    }

    public Task<StoredContent?> OpenAsync(string id, CancellationToken cancellationToken) => OpenVersionAsync(id, version: null, cancellationToken);

    public Task<StoredContent?> OpenVersionAsync(string id, int version, CancellationToken cancellationToken) =>
        OpenVersionAsync(id, (int?)version, cancellationToken);

    /// <param name="version">The version to read; null: the current one.</param>
    private async Task<StoredContent?> OpenVersionAsync(string id, int? version, CancellationToken cancellationToken)
    {
        HashEntry[] fields;
        try
        {
            fields = await redis.Database.HashGetAllAsync(RedisKeys.Table(id)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            throw Translate(e);
        }
        if (fields.Length == 0)
        {
            // A new table arriving on another instance is not missing: it opens here once stored.
            return await redis.Database.KeyExistsAsync(RedisKeys.Arriving(id)).WaitAsync(cancellationToken).ConfigureAwait(false)
                ? throw TableArrivingException.Elsewhere()
                : null;
        }
        var values = fields.ToDictionary(f => f.Name.ToString(), f => f.Value, StringComparer.Ordinal);
        var older = Older(values.GetValueOrDefault("older").ToString());
        var table = new StoredTable(id, values["editKeyHash"]!, Time(values["createdAt"]), (int)values["version"], values["name"]!,
            Time(values["updatedAt"]), values["chargedTo"]!, values.GetValueOrDefault("separator").ToString() is { Length: > 0 } separator ? separator : null,
            values.TryGetValue("rows", out var rows) ? (long)rows : null, [.. older.Select(v => v.Stored)]);
        if (version is null || version == table.Version)
        {
            return new StoredContent(table, ReadChunksAsync(id, values["content"]!, (int)values["chunks"], cancellationToken));
        }
        return older.FirstOrDefault(v => v.Version == version) is { } kept
            ? new StoredContent(kept.Stored.AsTable(table), ReadChunksAsync(id, kept.Content, kept.Chunks, cancellationToken))
            : null;
    }

    /// <summary>The older versions kept, as the commit script writes them (JSON, newest first).</summary>
    private static List<OlderChunks> Older(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<OlderChunks>>(json, s_json) ?? [];

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>An older version as the hash holds it: what the versions list says, and where its chunks are.</summary>
    private sealed record OlderChunks(int Version, string Name, long RowCount, long SizeBytes, string UpdatedAt, string ChargedTo, string? Separator, string Content, int Chunks)
    {
        public StoredVersion Stored => new(Version, Name, RowCount < 0 ? null : RowCount, SizeBytes, Time(UpdatedAt), ChargedTo, Separator is { Length: > 0 } ? Separator : null);
    }

    /// <summary>The chunks in order, a few requested ahead; each is valid until the next is asked for.</summary>
    private async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadChunksAsync(string id, string contentId, int chunks, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var database = redis.Database;
        var reading = new Queue<Task<Lease<byte>?>>();
        var next = 0;
        Lease<byte>? previous = null;
        try
        {
            while (next < chunks || reading.Count > 0)
            {
                while (reading.Count < ChunksInFlight && next < chunks)
                {
                    reading.Enqueue(database.StringGetLeaseAsync(RedisKeys.Chunk(contentId, next++)));
                }
                Lease<byte>? chunk;
                try
                {
                    chunk = await reading.Dequeue().WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (IsRedisFailure(e))
                {
                    throw Translate(e);
                }
                previous?.Dispose();
                previous = chunk ?? throw new StoredVersionGoneException(id);
                yield return chunk.Memory;
            }
        }
        finally
        {
            previous?.Dispose();
            foreach (var pending in reading)
            {
                _ = pending.ContinueWith(t => t.Result?.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            }
        }
    }

    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            return $"Redis ({redis.Endpoints}) cannot be reached: uploads and replacements are refused until it can.";
        }
        try
        {
            await redis.Database.PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return $"Redis ({redis.Endpoints}) does not answer: {e.Message}";
        }
    }

    public void Viewed(string id)
    {
        if (redis.IsConnected)
        {
            redis.Database.SortedSetAdd(RedisKeys.Viewed, id, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), CommandFlags.FireAndForget);
        }
    }

    public void Arriving(string id, bool arriving)
    {
        if (!redis.IsConnected)
        {
            return;
        }
        if (arriving)
        {
            redis.Database.StringSet(RedisKeys.Arriving(id), redis.InstanceId, s_arrivingLife, flags: CommandFlags.FireAndForget);
        }
        else
        {
            redis.Database.KeyDelete(RedisKeys.Arriving(id), CommandFlags.FireAndForget);
        }
    }

    public async Task<IReadOnlyList<string>> NotViewedSinceAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var ids = await redis.Database.SortedSetRangeByScoreAsync(RedisKeys.Viewed, double.NegativeInfinity, before.ToUnixTimeMilliseconds(), Exclude.Stop)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. ids.Select(id => id.ToString())];
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken) =>
        redis.Database.ScriptEvaluateAsync(RedisScripts.Delete, [RedisKeys.Table(id)], [redis.InstanceId, id]).WaitAsync(cancellationToken);

    /// <summary>The current version numbers of these tables (0 for a table that is gone) and their sizes, in one round trip.</summary>
    public async Task<(int Version, long Size)[]> VersionsAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var batch = redis.Database.CreateBatch();
        var asked = ids.Select(id => batch.HashGetAsync(RedisKeys.Table(id), ["version", "size"])).ToList();
        batch.Execute();
        var versions = await Task.WhenAll(asked).WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. versions.Select(v => v[0].IsNull ? (0, 0L) : ((int)v[0], v[1].IsNull ? 0L : (long)v[1]))];
    }

    private void Forget(string contentId, int chunks)
    {
        if (!redis.IsConnected)
        {
            return;
        }
        for (var n = 0; n < chunks; n++)
        {
            redis.Database.KeyDelete(RedisKeys.Chunk(contentId, n), CommandFlags.FireAndForget);
        }
    }

    private static bool IsRedisFailure(Exception e) => e is RedisException or RedisTimeoutException;

    /// <summary>Redis's errors as the product's: unreachable is 503 storage-unavailable; a refused write (out of memory) is 507 storage-failed.</summary>
    private TsvLiveException Translate(Exception e)
    {
        if (e is RedisServerException)
        {
            LogFailed(e);
            return new StorageFailedException();
        }
        LogUnavailable(e.Message);
        return new StorageUnavailableException();
    }

    private static string Text(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(RedisValue value) => DateTimeOffset.Parse(value!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    [LoggerMessage(LogLevel.Warning, "Redis cannot be reached: {Reason}")]
    private partial void LogUnavailable(string reason);

    [LoggerMessage(LogLevel.Error, "Redis refused a write")]
    private partial void LogFailed(Exception exception);
}
