using TsvLive.Errors;
using TsvLive.Tables.Ingest;
using TsvLive.Tables.Storage;
using TsvLive.Tables.Text;

namespace TsvLive.Tables.Registry;

/// <summary>
/// Reads a stored table's current version back into memory: its bytes indexed again, the same path
/// as an upload. Holds nothing itself; the caller reserves the memory and publishes.
/// </summary>
internal sealed class StoredTableReader(ITableStorage storage)
{
    /// <summary>A stored table passed the limits when it was uploaded; lowering them later must not lose it.</summary>
    private static readonly TsvLiveOptions s_storedLimits = new()
    {
        MaxUploadBytes = long.MaxValue,
        MaxRecordBytes = int.MaxValue,
        MaxColumns = 1_000_000,
        MaxHeaderBytes = int.MaxValue,
    };

    /// <summary>How often a read is tried again when another instance replaced the version being read.</summary>
    private const int ReadAttempts = 3;

    /// <summary>
    /// The stored table and its current version indexed in memory; null when there is no such table or
    /// (with <paramref name="newerThan"/>) its version is not newer. Tried again when another instance
    /// replaced the version while it was read.
    /// </summary>
    /// <exception cref="StorageUnavailableException">The storage cannot be reached.</exception>
    public async Task<(StoredTable Table, TableContent Content)?> ReadAsync(string id, int newerThan, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (!storage.IsAvailable)
            {
                throw new StorageUnavailableException();
            }
            if (await storage.OpenAsync(id, cancellationToken).ConfigureAwait(false) is not var (stored, bytes))
            {
                return null;
            }
            if (stored.Version <= newerThan)
            {
                return null;
            }
            try
            {
                return (stored, await IndexAsync(bytes, stored.ReadWith, cancellationToken).ConfigureAwait(false));
            }
            catch (StoredVersionGoneException) when (attempt < ReadAttempts)
            {
                // replaced meanwhile: read the newer one
            }
        }
    }

    /// <summary>An older version kept in storage, indexed in memory (the table's fields describe it); null when it is not kept.</summary>
    /// <exception cref="StorageUnavailableException">The storage cannot be reached.</exception>
    public async Task<(StoredTable Table, TableContent Content)?> ReadVersionAsync(string id, int version, CancellationToken cancellationToken)
    {
        if (!storage.IsAvailable)
        {
            throw new StorageUnavailableException();
        }
        if (await storage.OpenVersionAsync(id, version, cancellationToken).ConfigureAwait(false) is not var (stored, bytes))
        {
            return null;
        }
        try
        {
            return (stored, await IndexAsync(bytes, stored.ReadWith, cancellationToken).ConfigureAwait(false));
        }
        catch (StoredVersionGoneException)
        {
            return null; // no longer kept: dropped while it was read
        }
    }

    private static async Task<TableContent> IndexAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> bytes, Separator separator, CancellationToken cancellationToken)
    {
        var ingest = new TableIngest(s_storedLimits, separator);
        await using var _ = ingest.ConfigureAwait(false);
        await foreach (var chunk in bytes.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            ingest.Append(chunk.Span);
        }
        return await ingest.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
