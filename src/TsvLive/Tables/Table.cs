using TsvLive.Errors;

namespace TsvLive.Tables;

/// <summary>
/// A table behind one id: its edit key hash and its current version. Readers take
/// <see cref="Current"/> once and read that version only, so a page never mixes two versions. With
/// several instances, <see cref="NewestKnown"/> is the newest version stored by any of them: while it
/// is above <see cref="Current"/>, this instance's copy is behind and is read again before it is served.
/// </summary>
internal sealed class Table(string id, byte[] editKeyHash, DateTimeOffset createdAt, TableVersion first, IReadOnlyList<VersionSummary>? older = null)
{
    private readonly Lock _publishing = new();
    private readonly CancellationTokenSource _deleted = new();
    private TableVersion _current = first;
    private IReadOnlyList<VersionSummary> _older = older ?? [];
    private int _replacing;
    private int _appending;
    private CancellationTokenSource _appendStop = new();
    private long _lastUsed = Environment.TickCount64;
    private long _viewNoted = long.MinValue;
    private int _newestKnown = first.Version;
    private StoredSize _storedSize = new(first.Version, 0);

    public string Id => id;
    public byte[] EditKeyHash => editKeyHash;
    public DateTimeOffset CreatedAt => createdAt;
    public TableVersion Current => Volatile.Read(ref _current);

    /// <summary>The older versions kept besides <see cref="Current"/>, newest first.</summary>
    public IReadOnlyList<VersionSummary> Older => Volatile.Read(ref _older);

    /// <summary>Every version kept, newest (the current one) first.</summary>
    public IReadOnlyList<VersionSummary> Versions
    {
        get
        {
            lock (_publishing)
            {
                return [VersionSummary.Of(_current), .. _older];
            }
        }
    }

    /// <summary>An older version is no longer kept (the memory budget needed its room).</summary>
    public void ForgetOlder(int version)
    {
        lock (_publishing)
        {
            Volatile.Write(ref _older, [.. _older.Where(v => v.Version != version)]);
        }
    }

    /// <summary>When the table was last looked up (for eviction, least recently used first).</summary>
    public long LastUsed => Volatile.Read(ref _lastUsed);

    public bool IsReplacing => Volatile.Read(ref _replacing) != 0;

    public bool IsAppending => Volatile.Read(ref _appending) != 0;

    /// <summary>Whether a replacement or an append is running: the table then stays in memory as it is.</summary>
    public bool IsChanging => IsReplacing || IsAppending;

    /// <summary>Whether its owner deleted the table (it is on its way out of memory and storage).</summary>
    public bool IsDeleted => _deleted.IsCancellationRequested;

    /// <summary>Cancelled when the table is deleted: what still runs on it (an upload, a replacement) stops.</summary>
    public CancellationToken Deleted => _deleted.Token;

    /// <summary>Marks the table deleted; what runs on it stops (<see cref="Deleted"/>).</summary>
    public void MarkDeleted() => _deleted.Cancel();

    /// <summary>The newest version known to be stored, here or by another instance.</summary>
    public int NewestKnown => Volatile.Read(ref _newestKnown);

    /// <summary>Whether a newer version than <see cref="Current"/> is stored (by another instance).</summary>
    public bool IsBehind => NewestKnown > Current.Version;

    /// <summary>Notes that <paramref name="version"/> is stored; whether that is newer than anything known before.</summary>
    public bool NoteStoredVersion(int version)
    {
        while (true)
        {
            var known = Volatile.Read(ref _newestKnown);
            if (version <= known)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _newestKnown, version, known) == known)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Notes that version <paramref name="version"/> is stored with <paramref name="size"/> bytes (another
    /// instance appended rows to it); whether that is more than known before.
    /// </summary>
    public bool NoteStoredSize(int version, long size)
    {
        while (true)
        {
            var known = Volatile.Read(ref _storedSize);
            if (version < known.Version || (version == known.Version && size <= known.Size))
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _storedSize, new StoredSize(version, size), known) == known)
            {
                return true;
            }
        }
    }

    /// <summary>Whether the stored current version is longer than this copy of it (another instance appended rows).</summary>
    public bool IsShort
    {
        get
        {
            var current = Current;
            var stored = Volatile.Read(ref _storedSize);
            return stored.Version == current.Version && current.Source is TableContent { Complete: true } content && stored.Size > content.SizeBytes;
        }
    }

    private sealed record StoredSize(int Version, long Size);

    public void Touch() => Volatile.Write(ref _lastUsed, Environment.TickCount64);

    /// <summary>Whether a view should be noted in storage now (at most once per <paramref name="every"/>).</summary>
    public bool IsViewNoteDue(TimeSpan every)
    {
        var now = Environment.TickCount64;
        var noted = Volatile.Read(ref _viewNoted);
        // (Never noted yet: long.MinValue, which "now - noted" would overflow.)
        return (noted == long.MinValue || now - noted >= (long)every.TotalMilliseconds) && Interlocked.CompareExchange(ref _viewNoted, now, noted) == noted;
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

    /// <summary>
    /// Takes the table's one place for an open append stream, given back when the result is disposed;
    /// <paramref name="stopped"/> is cancelled when a replacement ends the stream (<see cref="StopAppendingAsync"/>).
    /// </summary>
    public IDisposable BeginAppend(out CancellationToken stopped)
    {
        if (Interlocked.CompareExchange(ref _appending, 1, 0) != 0)
        {
            throw new AppendRunningException();
        }
        var stop = new CancellationTokenSource();
        Volatile.Write(ref _appendStop, stop);
        stopped = stop.Token;
        return new AppendPlace(this, stop);
    }

    /// <summary>Ends the open append stream, if any, and waits (a few seconds at most) until it has stopped.</summary>
    public async Task StopAppendingAsync(CancellationToken cancellationToken)
    {
        if (!IsAppending)
        {
            return;
        }
        await Volatile.Read(ref _appendStop).CancelAsync().ConfigureAwait(false);
        for (var waited = 0; IsAppending && waited < 200; waited++)
        {
            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class AppendPlace(Table table, CancellationTokenSource stop) : IDisposable
    {
        public void Dispose()
        {
            Volatile.Write(ref table._appending, 0);
            stop.Dispose();
        }
    }

    /// <summary>
    /// Swaps in <paramref name="grown"/>: the current version with rows appended (the same number).
    /// False when another version is current by now (a replacement won): the rows stay with the old one.
    /// </summary>
    public bool Grow(TableVersion grown)
    {
        lock (_publishing)
        {
            if (_current.Version != grown.Version)
            {
                return false;
            }
            Volatile.Write(ref _current, grown);
            return true;
        }
    }

    /// <summary>
    /// Fixes the data of a new table's first version once its upload has finished (the version
    /// number stays: it is the same version, now complete).
    /// </summary>
    public TableVersion Finish(TableContent content, DateTimeOffset at)
    {
        lock (_publishing)
        {
            var arriving = _current;
            if (arriving.Source is TableContent)
            {
                throw new InvalidOperationException($"Version {arriving.Version} of table {id} is complete already.");
            }
            var finished = arriving with { UpdatedAt = at, Source = content };
            Volatile.Write(ref _current, finished);
            return finished;
        }
    }

    /// <summary>
    /// Publishes a stored version (a replacement made here, or one read back from another instance's)
    /// unless a newer one is current already: versions only go up, whatever order replacements finish
    /// in. Returns the version that is no longer served, whose memory the caller gives back or keeps as
    /// an older version: the one replaced, or <paramref name="next"/> itself when it came too late.
    /// </summary>
    /// <param name="older">The older versions kept once <paramref name="next"/> is current (newest first).</param>
    public (TableVersion Dropped, bool Published) Publish(TableVersion next, Func<TableVersion, IReadOnlyList<VersionSummary>> older)
    {
        lock (_publishing)
        {
            var previous = _current;
            if (next.Version <= previous.Version)
            {
                return (next, false);
            }
            NoteStoredVersion(next.Version);
            Volatile.Write(ref _older, older(previous));
            Volatile.Write(ref _current, next);
            return (previous, true);
        }
    }
}
