namespace TsvLive.Tables.Storage;

/// <summary>
/// Where finished versions are kept beyond the process: the data directory by default, nothing when
/// TsvLive:DataDirectory is empty (memory only). Memory stays the serving copy; this is what a
/// restart reads back. Tables/ owns it; Program.cs chooses the implementation from configuration.
/// </summary>
internal interface ITableStorage
{
    /// <summary>
    /// Stores a finished version durably, before it is published: when this returns the version
    /// survives a crash; when it throws, the stored state is the previous one.
    /// </summary>
    Task SaveAsync(StoredTable table, TableContent content, CancellationToken cancellationToken);

    /// <summary>The stored table with this id and the bytes of its current version, or null.</summary>
    Task<(StoredTable Table, Stream Bytes)?> OpenAsync(string id, CancellationToken cancellationToken);

    /// <summary>Whether the storage can take a new version now; the reason when not (for /readyz).</summary>
    Task<string?> ProblemAsync(CancellationToken cancellationToken);

    /// <summary>Notes that the table was viewed now (for expiry).</summary>
    void Viewed(string id);

    /// <summary>The stored tables last viewed before <paramref name="before"/>.</summary>
    IEnumerable<string> NotViewedSince(DateTimeOffset before);

    /// <summary>Deletes a stored table, every version of it.</summary>
    void Delete(string id);
}

/// <summary>What is stored of a table besides its bytes: enough to serve it again after a restart.</summary>
internal sealed record StoredTable(
    string Id,
    string EditKeyHash,
    DateTimeOffset CreatedAt,
    int Version,
    string Name,
    DateTimeOffset UpdatedAt,
    string ChargedTo);

/// <summary>Memory only (TsvLive:DataDirectory empty): nothing survives a restart.</summary>
internal sealed class MemoryOnlyStorage : ITableStorage
{
    public Task SaveAsync(StoredTable table, TableContent content, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<(StoredTable Table, Stream Bytes)?> OpenAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult<(StoredTable, Stream)?>(null);

    public Task<string?> ProblemAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public void Viewed(string id) { }

    public IEnumerable<string> NotViewedSince(DateTimeOffset before) => [];

    public void Delete(string id) { }
}
