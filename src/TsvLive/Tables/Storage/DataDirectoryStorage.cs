using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Operations;
using TsvLive.Tables.Ingest;

namespace TsvLive.Tables.Storage;

/// <summary>
/// Tables in a directory (TsvLive:DataDirectory): <c>tables/{id}/{version}.tsv</c> holds a version's
/// bytes exactly as uploaded (the current one and up to KeepVersions − 1 older ones),
/// <c>tables/{id}/table.json</c> the table's metadata (edit key hash, current version, name, times,
/// the older versions kept). Every file is written under a temporary name, flushed to disk
/// and renamed into place; the metadata is renamed last and is the commit point, so a crash at any
/// moment leaves the old state or the new one. Leftover temporary files are removed at start. A
/// version's bytes are written while they arrive, to <c>drafts/{random}.tsv.tmp</c>
/// (<see cref="VersionFileDraft"/>), and renamed into the table's folder when it is saved.
/// </summary>
internal sealed partial class DataDirectoryStorage : ITableStorage
{
    private const string MetadataFile = "table.json";
    private const string TemporarySuffix = ".tmp";
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly string _tables;
    private readonly string _drafts;
    private readonly long? _maxBytes;
    private readonly long? _maxBytesPerAddress;
    private readonly int _keepVersions;
    private readonly ILogger<DataDirectoryStorage> _logger;
    private readonly Lock _counting = new();
    private long _bytes;
    // The bytes of each address's tables (the client their current version is charged to), for its share of MaxDiskBytes.
    private readonly Dictionary<string, long> _bytesBy = new(StringComparer.Ordinal);

    public DataDirectoryStorage(IOptions<TsvLiveOptions> options, TsvLiveMetrics metrics, ILogger<DataDirectoryStorage> logger)
    {
        _logger = logger;
        Root = Path.GetFullPath(options.Value.DataDirectory);
        _tables = Path.Combine(Root, "tables");
        _drafts = Path.Combine(Root, "drafts");
        _maxBytes = options.Value.MaxDiskBytes;
        _maxBytesPerAddress = (long?)(_maxBytes * options.Value.MaxDiskBytesShare);
        _keepVersions = options.Value.KeepVersions;
        try
        {
            Directory.CreateDirectory(_tables);
            Directory.CreateDirectory(_drafts);
            RemoveLeftoversAndCount();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationProblemException(
                $"TsvLive:DataDirectory (TsvLive__DataDirectory) is {Root}, which the app cannot use: {e.Message} " +
                "Give a folder it may create and write, or an empty value to keep tables in memory only.", e);
        }
        metrics.Observe("tsvlive.tables.on_disk", "{table}", "Tables kept in the data directory", () => Directory.EnumerateDirectories(_tables).LongCount());
        metrics.Observe("tsvlive.bytes.on_disk", "By", "Bytes of the tables kept in the data directory", () => Interlocked.Read(ref _bytes));
    }

    public string Root { get; }

    /// <summary>Called after each file is renamed into place, with its path: crash tests stop the writing there.</summary>
    internal Action<string>? Renamed { get; set; }

    public bool KeepsTables => true;

    public bool IsAvailable => true;

    public IVersionDraft Draft() => new VersionFileDraft(Path.Combine(_drafts, $"{Guid.NewGuid():N}.tsv{TemporarySuffix}"), _logger);

    public async Task<SavedVersion> SaveAsync(StoredTable table, TableContent content, IVersionDraft draft, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(_tables, table.Id);
        var metadata = Path.Combine(folder, MetadataFile);
        var previous = File.Exists(metadata) ? await ReadMetadataAsync(metadata, cancellationToken) : null;
        // The version replaced joins the older ones (those whose bytes are still there: the disk budget may have taken some).
        var older = previous is null || previous.Version == table.Version
            ? []
            : new[] { AsOlder(previous, folder) }.Concat(previous.Older ?? []).Where(v => File.Exists(Path.Combine(folder, VersionFile(v.Version)))).ToList();
        var kept = older.Take(_keepVersions - 1).ToList();
        // The disk budget and the address's share of it, counting the versions no longer kept as free
        // (deleted once this one is in); when it does not fit, this table's oldest versions go first.
        while (true)
        {
            try
            {
                Count(table.ChargedTo, content.SizeBytes, [.. older.Skip(kept.Count)]);
                break;
            }
            catch (TsvLiveException) when (kept.Count > 0)
            {
                kept.RemoveAt(kept.Count - 1);
            }
        }
        var stored = table with { RowCount = content.RowCount, SizeBytes = content.SizeBytes, Older = kept };
        try
        {
            await WriteVersionAsync(folder, stored, content, draft, metadata, cancellationToken);
        }
        catch
        {
            Uncount(table.ChargedTo, content.SizeBytes);
            throw;
        }
        foreach (var gone in older.Skip(kept.Count))
        {
            File.Delete(Path.Combine(folder, VersionFile(gone.Version)));
            Uncount(gone.ChargedTo, gone.SizeBytes);
        }
        return new SavedVersion(table.Version, kept);
    }

    /// <summary>The current version of <paramref name="table"/> as an older one (its size read from its file).</summary>
    private static StoredVersion AsOlder(StoredTable table, string folder) =>
        new(table.Version, table.Name, table.RowCount, new FileInfo(Path.Combine(folder, VersionFile(table.Version))).Length, table.UpdatedAt, table.ChargedTo, table.Separator);

    /// <summary>
    /// The version's bytes (written while they arrived, or now), then the metadata (the commit point),
    /// each atomically; then the folder flushed.
    /// </summary>
    private async Task WriteVersionAsync(string folder, StoredTable table, TableContent content, IVersionDraft draft, string metadata, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var bytesFile = Path.Combine(folder, VersionFile(table.Version));
        if (draft is VersionFileDraft written && await written.SaveAsAsync(bytesFile, content.Raw, content.SizeBytes, cancellationToken))
        {
            Renamed?.Invoke(bytesFile);
        }
        else
        {
            await using var bytes = content.Raw.OpenRead(0, content.SizeBytes);
            await WriteAtomicallyAsync(bytesFile, (file, ct) => bytes.CopyToAsync(file, ct), cancellationToken);
        }
        await WriteAtomicallyAsync(metadata, (file, ct) => JsonSerializer.SerializeAsync(file, table, s_json, ct), cancellationToken);
        FlushDirectory(folder);
    }

    /// <summary>
    /// The appended bytes written at their place in the version's file and flushed to the disk, then the
    /// metadata's size and row count (the commit point: written and renamed as always). At start, a
    /// version file longer than its metadata says (a crash between the two) is cut back.
    /// </summary>
    public async Task AppendAsync(string id, int version, TableContent content, long from, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(_tables, id);
        var metadata = Path.Combine(folder, MetadataFile);
        StoredTable table;
        try
        {
            table = await ReadMetadataAsync(metadata, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TableNotFoundException(id); // deleted or expired meanwhile
        }
        if (table.Version != version)
        {
            throw new InvalidOperationException($"Rows were appended to version {version} of table {id}, but version {table.Version} is stored.");
        }
        var bytes = content.SizeBytes - from;
        Count(table.ChargedTo, bytes, []);
        try
        {
            using (var file = OpenToAppend(Path.Combine(folder, VersionFile(version)), id))
            {
                var at = from;
                foreach (var segment in content.Raw.Segments(from, content.SizeBytes))
                {
                    await RandomAccess.WriteAsync(file, segment, at, cancellationToken);
                    at += segment.Length;
                }
                RandomAccess.FlushToDisk(file);
            }
            var grown = table with { RowCount = content.RowCount, SizeBytes = content.SizeBytes };
            await WriteAtomicallyAsync(metadata, (file, ct) => JsonSerializer.SerializeAsync(file, grown, s_json, ct), cancellationToken);
            FlushDirectory(folder);
        }
        catch
        {
            Uncount(table.ChargedTo, bytes);
            throw;
        }
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle OpenToAppend(string path, string id)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Write);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TableNotFoundException(id); // deleted or expired meanwhile
        }
    }

    /// <summary>One instance uses a data directory: rows are appended through it only, so none arrive from elsewhere.</summary>
    public Task<AppendedBytes?> ReadAppendedAsync(string id, int version, long from, CancellationToken cancellationToken) =>
        Task.FromResult<AppendedBytes?>(null);

    public async Task<StoredContent?> OpenAsync(string id, CancellationToken cancellationToken) =>
        await OpenVersionAsync(id, version: null, cancellationToken);

    public Task<StoredContent?> OpenVersionAsync(string id, int version, CancellationToken cancellationToken) =>
        OpenVersionAsync(id, (int?)version, cancellationToken);

    /// <param name="version">The version to read; null: the current one.</param>
    private async Task<StoredContent?> OpenVersionAsync(string id, int? version, CancellationToken cancellationToken)
    {
        var metadata = Path.Combine(_tables, id, MetadataFile);
        for (var attempt = 1; ; attempt++)
        {
            if (!File.Exists(metadata))
            {
                return null;
            }
            StoredTable table;
            try
            {
                table = await ReadMetadataAsync(metadata, cancellationToken);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return null; // deleted meanwhile
            }
            var described = version is null || version == table.Version ? table : table.Older?.FirstOrDefault(v => v.Version == version)?.AsTable(table);
            if (described is null)
            {
                return null;
            }
            try
            {
                return new StoredContent(described, ReadAllAsync(File.OpenRead(Path.Combine(_tables, id, VersionFile(described.Version))), cancellationToken));
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException
                && (described.Version != table.Version || !File.Exists(metadata)))
            {
                return null; // an older version the disk budget took, or the table deleted meanwhile (its metadata goes first)
            }
            catch (FileNotFoundException) when (attempt < 3)
            {
                // Replaced twice meanwhile, and the version read of went out of the versions kept: read the metadata again.
            }
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAllAsync(FileStream file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using (file)
        {
            await foreach (var chunk in file.ReadChunksAsync(cancellationToken))
            {
                yield return chunk;
            }
        }
    }

    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        var probe = Path.Combine(Root, $"ready-{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            await File.WriteAllBytesAsync(probe, [1], cancellationToken);
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The path and the system's words go to the log, for the operator; anyone may read /readyz.
            LogNotWritable(Root, e.Message);
            return "The data directory cannot be written (the log says where and why). Check its disk space and permissions.";
        }
    }

    /// <summary>The metadata file's time is the table's last view (the metadata is rewritten only when a version is added).</summary>
    public void Viewed(string id)
    {
        try
        {
            File.SetLastWriteTimeUtc(Path.Combine(_tables, id, MetadataFile), DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogViewNotNoted(id, e.Message); // expiry may come early for this table; serving it goes on
        }
    }

    /// <summary>One instance: nobody else asks for a table arriving here.</summary>
    public void Arriving(string id, bool arriving) { }

    public Task<IReadOnlyList<string>> NotViewedSinceAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(Directory.EnumerateDirectories(_tables)
            .Where(folder => File.Exists(Path.Combine(folder, MetadataFile)) && File.GetLastWriteTimeUtc(Path.Combine(folder, MetadataFile)) < before.UtcDateTime)
            .Select(Path.GetFileName)
            .OfType<string>()
            .ToList());

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(_tables, id);
        if (!Directory.Exists(folder))
        {
            return; // never stored (a first upload deleted while it arrived), or deleted already
        }
        var metadata = Path.Combine(folder, MetadataFile);
        var table = File.Exists(metadata) ? await ReadMetadataAsync(metadata, cancellationToken) : null;
        var owners = table is null ? [] : new[] { (table.Version, table.ChargedTo) }.Concat((table.Older ?? []).Select(v => (v.Version, v.ChargedTo))).ToList();
        var files = Directory.EnumerateFiles(folder, "*.tsv").Select(f => (Path.GetFileName(f), new FileInfo(f).Length)).ToList();
        // The metadata first: from then on the table is gone for every reader, whatever the order the rest goes in.
        File.Delete(metadata);
        Directory.Delete(folder, recursive: true);
        foreach (var (name, length) in files)
        {
            Uncount(owners.FirstOrDefault(o => VersionFile(o.Version) == name).ChargedTo, length);
        }
    }

    /// <summary>
    /// Counts a version's bytes before they are written, or refuses them: over MaxDiskBytes, or over the
    /// address's share of it. The <paramref name="freed"/> versions' bytes go once it is in.
    /// </summary>
    private void Count(string owner, long bytes, IReadOnlyList<StoredVersion> freed)
    {
        lock (_counting)
        {
            if (_bytes + bytes - freed.Sum(v => v.SizeBytes) > _maxBytes)
            {
                throw new StorageFullException(_maxBytes.Value);
            }
            var ownerHolds = _bytesBy.GetValueOrDefault(owner) - freed.Where(v => v.ChargedTo == owner).Sum(v => v.SizeBytes);
            if (ownerHolds + bytes > _maxBytesPerAddress)
            {
                throw new StorageShareFullException(_maxBytesPerAddress.Value);
            }
            _bytes += bytes;
            _bytesBy[owner] = _bytesBy.GetValueOrDefault(owner) + bytes;
        }
    }

    private void Uncount(string? owner, long bytes)
    {
        lock (_counting)
        {
            _bytes -= bytes;
            if (owner is not null && _bytesBy.TryGetValue(owner, out var held))
            {
                if (held - bytes <= 0)
                {
                    _bytesBy.Remove(owner);
                }
                else
                {
                    _bytesBy[owner] = held - bytes;
                }
            }
        }
    }

    private static string VersionFile(int version) => $"{version}.tsv";

    private static async Task<StoredTable> ReadMetadataAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<StoredTable>(file, s_json, cancellationToken)
            ?? throw new InvalidDataException($"{path} is empty.");
    }

    /// <summary>Writes under a temporary name, flushes to the disk, then renames over <paramref name="path"/>.</summary>
    private async Task WriteAtomicallyAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var temporary = path + TemporarySuffix;
        try
        {
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(file, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            Renamed?.Invoke(path);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Makes the renames in <paramref name="folder"/> durable (fsync of the directory, where the platform allows it).</summary>
    private void FlushDirectory(string folder)
    {
        try
        {
            using var handle = File.OpenHandle(folder, FileMode.Open, FileAccess.Read);
            RandomAccess.FlushToDisk(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogDirectoryNotFlushed(folder, e.Message);
        }
    }

    /// <summary>
    /// At start, one pass over the directory before anything is served: what a crash left behind is
    /// removed (temporary files, a first version that never got its metadata, a replacement's bytes
    /// its metadata never pointed to), and the current versions' bytes are counted, in all and per
    /// address, for the disk budget. Each table's metadata is read once; no table's bytes are.
    /// </summary>
    private void RemoveLeftoversAndCount()
    {
        foreach (var leftover in Directory.EnumerateFiles(Root, "*" + TemporarySuffix, SearchOption.AllDirectories))
        {
            File.Delete(leftover);
            LogLeftoverRemoved(leftover);
        }
        foreach (var folder in Directory.EnumerateDirectories(_tables))
        {
            var metadata = Path.Combine(folder, MetadataFile);
            if (!File.Exists(metadata))
            {
                Directory.Delete(folder, recursive: true); // a first version that never got its metadata
                LogLeftoverRemoved(folder);
                continue;
            }
            var table = ReadMetadataAsync(metadata, CancellationToken.None).GetAwaiter().GetResult();
            var current = VersionFile(table.Version);
            var kept = new[] { (table.Version, table.ChargedTo) }.Concat((table.Older ?? []).Select(v => (v.Version, v.ChargedTo)))
                .ToDictionary(v => VersionFile(v.Version), v => v.ChargedTo, StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(folder, "*.tsv"))
            {
                if (!kept.TryGetValue(Path.GetFileName(file), out var owner))
                {
                    // A replacement whose bytes were renamed into place but whose metadata was not (not
                    // committed), or an older version no longer kept whose deletion a crash interrupted.
                    File.Delete(file);
                    LogLeftoverRemoved(file);
                    continue;
                }
                var length = new FileInfo(file).Length;
                if (Path.GetFileName(file) == current && table.SizeBytes is { } committed && length > committed)
                {
                    // Appended bytes whose commit a crash interrupted: not acknowledged, so cut back.
                    using (var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Write))
                    {
                        RandomAccess.SetLength(handle, committed);
                    }
                    LogLeftoverRemoved($"{file} past {committed} bytes");
                    length = committed;
                }
                _bytes += length;
                _bytesBy[owner] = _bytesBy.GetValueOrDefault(owner) + length;
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "The data directory {Path} cannot be written: {Reason}")]
    private partial void LogNotWritable(string path, string reason);

    [LoggerMessage(LogLevel.Information, "Removed {Path}, left by an upload that did not finish")]
    private partial void LogLeftoverRemoved(string path);

    [LoggerMessage(LogLevel.Warning, "Could not note that table {TableId} was viewed: {Reason}")]
    private partial void LogViewNotNoted(string tableId, string reason);

    [LoggerMessage(LogLevel.Debug, "Could not flush the directory {Folder} to disk: {Reason}")]
    private partial void LogDirectoryNotFlushed(string folder, string reason);
}
