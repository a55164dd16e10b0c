namespace TsvLive.Tables.Storage;

/// <summary>
/// Where finished versions are kept beyond the process: the data directory by default, Redis when
/// ConnectionStrings:Redis is set (shared by every instance), nothing when TsvLive:DataDirectory is
/// empty (memory only). Memory stays the serving copy; this is what a restart, an evicted table or
/// another instance reads back. Tables/ owns it; configuration chooses the implementation.
/// </summary>
internal interface ITableStorage
{
    /// <summary>
    /// Whether a new version can be stored now (false while a shared store is unreachable): uploads
    /// are refused at once rather than after their bytes arrived.
    /// </summary>
    bool IsAvailable { get; }

    /// <summary>
    /// Whether a stored table can be read back (false: memory only): only then may a table leave
    /// memory to make room, since it comes back on demand.
    /// </summary>
    bool KeepsTables { get; }

    /// <summary>
    /// Stores a finished version durably, before it is published: when this returns the version
    /// survives a crash; when it throws, the stored state is the previous one. <paramref name="table"/>'s
    /// version is the one proposed; a store shared by several instances may give a higher one (two
    /// replacements finishing at once on two instances get two versions). Returns the version stored.
    /// <paramref name="draft"/> is what <see cref="Draft"/> gave for this upload (it may hold the bytes already).
    /// </summary>
    /// <returns>The version stored, and the older versions kept besides it (newest first, at most KeepVersions − 1).</returns>
    Task<SavedVersion> SaveAsync(StoredTable table, TableContent content, IVersionDraft draft, CancellationToken cancellationToken);

    /// <summary>
    /// Stores rows appended to the current version <paramref name="version"/> of table <paramref name="id"/>:
    /// the bytes of <paramref name="content"/> from <paramref name="from"/> to its end, then its size and
    /// row count as the version's (the commit point). When this returns they survive a crash; a crash
    /// before leaves the version as it was (no part of a record).
    /// </summary>
    /// <exception cref="Errors.TableReplacedException">Another version is current by now (replaced through another instance).</exception>
    /// <exception cref="Errors.TableDeletedException">The table was deleted meanwhile.</exception>
    /// <exception cref="Errors.AppendRunningException">The stored version does not end at <paramref name="from"/>: another stream appends to it (through another instance).</exception>
    Task AppendAsync(string id, int version, TableContent content, long from, CancellationToken cancellationToken);

    /// <summary>
    /// The bytes appended to version <paramref name="version"/> of table <paramref name="id"/> past its
    /// first <paramref name="from"/> bytes by another instance (complete records), a few MB at most per
    /// call; null when that version is not the stored table's current one (any more).
    /// Storage used by one instance only has nothing to give (null).
    /// </summary>
    Task<AppendedBytes?> ReadAppendedAsync(string id, int version, long from, CancellationToken cancellationToken);

    /// <summary>Starts storing an upload's bytes while they arrive; a storage that stores whole versions gives <see cref="NoDraft"/>.</summary>
    IVersionDraft Draft();

    /// <summary>The stored table with this id and the bytes of its current version, or null.</summary>
    Task<StoredContent?> OpenAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// The stored table with the bytes of one of its kept versions (the current one or an older one),
    /// the table's fields describing that version; null when there is no such table or version.
    /// </summary>
    Task<StoredContent?> OpenVersionAsync(string id, int version, CancellationToken cancellationToken);

    /// <summary>Whether the storage can take a new version now; the reason when not (for /readyz).</summary>
    Task<string?> ProblemAsync(CancellationToken cancellationToken);

    /// <summary>Notes that the table was viewed now (for expiry). Never throws and never waits.</summary>
    void Viewed(string id);

    /// <summary>
    /// Notes that a new table is arriving on this instance (true, repeated while it arrives) or no longer
    /// is (false: it failed; a stored table is not arriving), so that another instance can say "still
    /// uploading" instead of "not found". Never throws and never waits.
    /// </summary>
    void Arriving(string id, bool arriving);

    /// <summary>The stored tables last viewed before <paramref name="before"/>.</summary>
    Task<IReadOnlyList<string>> NotViewedSinceAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>Deletes a stored table, every version of it.</summary>
    Task DeleteAsync(string id, CancellationToken cancellationToken);
}

/// <summary>What is stored of a table besides its bytes: enough to serve it again after a restart.</summary>
/// <param name="Separator">
/// The separator the version was read with (<see cref="Text.SeparatorNames.ToWire"/>), so it reads the same
/// again; null in versions stored before separators were detected, which were all read as tab.
/// </param>
internal sealed record StoredTable(
    string Id,
    string EditKeyHash,
    DateTimeOffset CreatedAt,
    int Version,
    string Name,
    DateTimeOffset UpdatedAt,
    string ChargedTo,
    string? Separator = null,
    long? RowCount = null,
    IReadOnlyList<StoredVersion>? Older = null,
    long? SizeBytes = null)
{
    /// <summary>The older versions kept, as the versions list says them.</summary>
    public IReadOnlyList<VersionSummary> OlderSummaries => [.. (Older ?? []).Select(v => v.Summary)];

    /// <summary>The separator to read the stored bytes with.</summary>
    public Text.Separator ReadWith => Text.SeparatorNames.TryParse(Separator, out var separator) ? separator.Value : Text.Separator.Tab;
}

/// <summary>An older version kept besides the current one: what the versions list says of it, and how to read it.</summary>
/// <param name="RowCount">Null for a version stored before versions were kept (its count was not written down).</param>
internal sealed record StoredVersion(
    int Version,
    string Name,
    long? RowCount,
    long SizeBytes,
    DateTimeOffset UpdatedAt,
    string ChargedTo,
    string? Separator)
{
    public VersionSummary Summary => new(Version, Name, RowCount, SizeBytes, UpdatedAt);

    /// <summary>The table's fields as they were when this version was current.</summary>
    public StoredTable AsTable(StoredTable current) =>
        current with { Version = Version, Name = Name, UpdatedAt = UpdatedAt, ChargedTo = ChargedTo, Separator = Separator, RowCount = RowCount, Older = null };
}

/// <summary>What <see cref="ITableStorage.SaveAsync"/> stored: the version's number and the older versions kept (newest first).</summary>
internal sealed record SavedVersion(int Version, IReadOnlyList<StoredVersion> Older);

/// <summary>Bytes appended to a stored version: complete records from the offset asked for, the version's stored size, and when it last grew.</summary>
internal sealed record AppendedBytes(ReadOnlyMemory<byte> Bytes, long StoredSize, DateTimeOffset UpdatedAt);

/// <summary>A stored table and the bytes of its current version, read chunk by chunk (once).</summary>
internal sealed record StoredContent(StoredTable Table, IAsyncEnumerable<ReadOnlyMemory<byte>> Bytes);

/// <summary>
/// The bytes of the version being read were replaced and removed meanwhile (another instance
/// replaced the table): read the table again.
/// </summary>
internal sealed class StoredVersionGoneException(string id)
    : Exception($"The stored version of table {id} was replaced while it was being read.");

/// <summary>Memory only (TsvLive:DataDirectory empty): nothing survives a restart.</summary>
internal sealed class MemoryOnlyStorage : ITableStorage
{
    public bool IsAvailable => true;

    public bool KeepsTables => false;

    /// <summary>Nothing is stored; memory keeps the older versions itself (<see cref="Memory.TableMemory"/>).</summary>
    public Task<SavedVersion> SaveAsync(StoredTable table, TableContent content, IVersionDraft draft, CancellationToken cancellationToken) =>
        Task.FromResult(new SavedVersion(table.Version, []));

    public IVersionDraft Draft() => NoDraft.Instance;

    public Task AppendAsync(string id, int version, TableContent content, long from, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<AppendedBytes?> ReadAppendedAsync(string id, int version, long from, CancellationToken cancellationToken) => Task.FromResult<AppendedBytes?>(null);

    public Task<StoredContent?> OpenAsync(string id, CancellationToken cancellationToken) => Task.FromResult<StoredContent?>(null);

    public Task<StoredContent?> OpenVersionAsync(string id, int version, CancellationToken cancellationToken) => Task.FromResult<StoredContent?>(null);

    public Task<string?> ProblemAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public void Viewed(string id) { }

    public void Arriving(string id, bool arriving) { }

    public Task<IReadOnlyList<string>> NotViewedSinceAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public Task DeleteAsync(string id, CancellationToken cancellationToken) => Task.CompletedTask;
}
