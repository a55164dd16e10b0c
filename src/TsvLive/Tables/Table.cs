using TsvLive.Errors;

namespace TsvLive.Tables;

/// <summary>
/// A table behind one id: its edit key hash and its current version. Readers take
/// <see cref="Current"/> once and read that version only, so a page never mixes two versions.
/// </summary>
internal sealed class Table(string id, byte[] editKeyHash, DateTimeOffset createdAt, TableVersion first)
{
    private readonly Lock _publishing = new();
    private TableVersion _current = first;
    private int _replacing;
    private long _lastUsed = Environment.TickCount64;
    private long _viewNoted = long.MinValue;

    public string Id => id;
    public byte[] EditKeyHash => editKeyHash;
    public DateTimeOffset CreatedAt => createdAt;
    public TableVersion Current => Volatile.Read(ref _current);

    /// <summary>When the table was last looked up (for eviction, least recently used first).</summary>
    public long LastUsed => Volatile.Read(ref _lastUsed);

    public bool IsReplacing => Volatile.Read(ref _replacing) != 0;

    public void Touch() => Volatile.Write(ref _lastUsed, Environment.TickCount64);

    /// <summary>Whether a view should be noted in storage now (at most once per <paramref name="every"/>).</summary>
    public bool IsViewNoteDue(TimeSpan every)
    {
        var now = Environment.TickCount64;
        var noted = Volatile.Read(ref _viewNoted);
        return now - noted >= (long)every.TotalMilliseconds && Interlocked.CompareExchange(ref _viewNoted, now, noted) == noted;
    }

    /// <summary>Refuses a missing or wrong edit key; the key is compared in constant time with the stored hash.</summary>
    public void RequireEditKey(string? editKey)
    {
        if (string.IsNullOrEmpty(editKey) || !TableSecrets.EditKeyMatches(editKey, editKeyHash))
        {
            throw new EditKeyRejectedException(missing: string.IsNullOrEmpty(editKey));
        }
    }

    /// <summary>
    /// Takes the table's one place for a running replacement, given back when the result is disposed:
    /// a second replacement while one runs is refused, so the table never ends as a file its owner abandoned.
    /// </summary>
    public IDisposable BeginReplacement()
    {
        if (Interlocked.CompareExchange(ref _replacing, 1, 0) != 0)
        {
            throw new ReplacementRunningException();
        }
        return new ReplacementPlace(this);
    }

    private sealed class ReplacementPlace(Table table) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref table._replacing, 0);
    }

    /// <summary>Publishes the data of <see cref="Current"/> once its upload has finished.</summary>
    public TableVersion Finish(TableContent content, DateTimeOffset at) => Publish(v => v with { UpdatedAt = at, Source = content }).Next;

    /// <summary>
    /// Publishes a replacement as the next version. Versions only go up, whatever order replacements
    /// finish in. Returns the version it replaced too, whose memory the caller gives back.
    /// </summary>
    public (TableVersion Previous, TableVersion Next) Replace(TableContent content, string name, DateTimeOffset at, string chargedTo) =>
        Publish(v => new TableVersion(v.Version + 1, name, at, content, chargedTo));

    private (TableVersion Previous, TableVersion Next) Publish(Func<TableVersion, TableVersion> next)
    {
        lock (_publishing)
        {
            var previous = _current;
            var version = next(previous);
            Volatile.Write(ref _current, version);
            return (previous, version);
        }
    }
}
