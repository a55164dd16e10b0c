using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TsvLive.Errors;

namespace TsvLive.Tables.Storage;

/// <summary>
/// How many bytes of table data the server holds, against TsvLive:MaxBytesInMemory (by default half
/// the memory the process may use), and how much of that each client address holds, against its
/// share (TsvLive:MaxBytesInMemoryShare): one address cannot fill the server for everyone. Uploads
/// reserve their bytes as they arrive; when either is full, tables that are stored elsewhere are
/// evicted from memory (least recently used first, read back on demand), and only when that cannot
/// make room is the upload refused with a clear message instead of the server running out of memory.
/// </summary>
internal sealed class MemoryBudget(IOptions<TsvLiveOptions> options)
{
    private static readonly long s_defaultLimit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;
    private readonly ConcurrentDictionary<string, long> _heldByAddress = new(StringComparer.Ordinal);
    private long _held;
    private Func<long, string?, long>? _evict;
    private Func<long, long>? _evictCaches;

    public long Limit => options.Value.MaxBytesInMemory ?? s_defaultLimit;

    /// <summary>What one client address may hold.</summary>
    public long AddressLimit => (long)(Limit * options.Value.MaxBytesInMemoryShare);

    public long Held => Volatile.Read(ref _held);

    public long HeldBy(string address) => _heldByAddress.GetValueOrDefault(address);

    /// <summary>
    /// Who can make room by dropping tables from memory that are safe elsewhere (TableStore, when the
    /// tables are stored): called with the bytes needed and, for an address over its share, that address.
    /// </summary>
    public void UseEvictor(Func<long, string?, long> evict) => _evict = evict;

    /// <summary>Who can make room by dropping caches (views' sort orders and filter results): asked first, before any table leaves memory.</summary>
    public void UseCacheEvictor(Func<long, long> evict) => _evictCaches = evict;

    /// <summary>
    /// Reserves room for something that can be dropped again (a cache) if it fits now, without
    /// evicting anything: a cache never pushes a table out or makes an upload fail.
    /// </summary>
    public bool TryReserveWithoutEviction(long bytes, string owner) => TryReserve(bytes, owner, 0, out _);

    /// <param name="owner">The client address the bytes are charged to.</param>
    /// <param name="credit">
    /// Room that is as good as free: the size of the version a replacement will release when it is
    /// published, so that replacing a table with a file of the same size never fails for lack of memory.
    /// </param>
    public void Reserve(long bytes, string owner, long credit = 0)
    {
        if (!TryReserve(bytes, owner, credit, out var overall) && !(MakeRoom(bytes, owner, overall) && TryReserve(bytes, owner, credit, out overall)))
        {
            throw overall ? new ServerFullException(Limit) : new AddressShareFullException(AddressLimit);
        }
    }

    private bool TryReserve(long bytes, string owner, long credit, out bool overall)
    {
        var held = Interlocked.Add(ref _held, bytes);
        var byOwner = _heldByAddress.AddOrUpdate(owner, bytes, (_, n) => n + bytes);
        overall = held > Limit + credit;
        if (bytes > 0 && (overall || byOwner > AddressLimit + credit))
        {
            Release(bytes, owner);
            return false;
        }
        return true;
    }

    /// <summary>Drops caches, then evicts least recently used tables (any, or the owner's when its share is the limit); whether anything was freed.</summary>
    private bool MakeRoom(long bytes, string owner, bool overall)
    {
        var freed = _evictCaches?.Invoke(bytes) ?? 0;
        if (freed >= bytes)
        {
            return true;
        }
        return (_evict is { } evict && evict(bytes - freed, overall ? null : owner) > 0) || freed > 0;
    }

    public void Release(long bytes, string owner)
    {
        Interlocked.Add(ref _held, -bytes);
        _heldByAddress.AddOrUpdate(owner, 0, (_, n) => n - bytes);
        _heldByAddress.TryRemove(new KeyValuePair<string, long>(owner, 0));
    }
}
