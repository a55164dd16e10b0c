using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace TsvLive.Tables.Memory;

/// <summary>
/// A counter, nothing more: how many bytes of table data the server holds, against
/// TsvLive:MaxBytesInMemory (by default half the memory the process may use); how much of that each
/// client address holds, against its share (TsvLive:MaxBytesInMemoryShare); and how much the caches
/// and running computations hold, which together may hold one address's share. It never makes room:
/// <see cref="TableMemory"/> decides what leaves memory when something new does not fit.
/// </summary>
internal sealed class MemoryBudget(IOptions<TsvLiveOptions> options)
{
    private static readonly long s_defaultLimit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;
    private readonly ConcurrentDictionary<string, long> _heldByAddress = new(StringComparer.Ordinal);
    private long _held;
    private long _heldByCaches;

    public long Limit => options.Value.MaxBytesInMemory ?? s_defaultLimit;

    /// <summary>What one client address may hold (and the caches together).</summary>
    public long AddressLimit => (long)(Limit * options.Value.MaxBytesInMemoryShare);

    /// <summary>Everything counted: versions, uploads arriving, caches and computations.</summary>
    public long Held => Volatile.Read(ref _held);

    public long HeldBy(string address) => _heldByAddress.GetValueOrDefault(address);

    /// <summary>What the caches and running computations hold.</summary>
    public long HeldByCaches => Volatile.Read(ref _heldByCaches);

    /// <summary>
    /// Counts <paramref name="bytes"/> for <paramref name="address"/> if they fit, overall and within
    /// the address's share; <paramref name="overall"/> says which limit refused them.
    /// </summary>
    /// <param name="credit">
    /// Room that is as good as free: the size of the version a replacement will release when it is
    /// published, so that replacing a table with a file of the same size never fails for lack of memory.
    /// </param>
    public bool TryReserve(long bytes, string address, long credit, out bool overall)
    {
        var held = Interlocked.Add(ref _held, bytes);
        var byAddress = _heldByAddress.AddOrUpdate(address, bytes, (_, n) => n + bytes);
        overall = held > Limit + credit;
        if (bytes > 0 && (overall || byAddress > AddressLimit + credit))
        {
            Release(bytes, address);
            return false;
        }
        return true;
    }

    public void Release(long bytes, string address)
    {
        Interlocked.Add(ref _held, -bytes);
        _heldByAddress.AddOrUpdate(address, 0, (_, n) => n - bytes);
        _heldByAddress.TryRemove(new KeyValuePair<string, long>(address, 0));
    }

    /// <summary>Counts bytes for a cache entry or a computation if they fit, overall and within the caches' share.</summary>
    public bool TryReserveForCaches(long bytes)
    {
        var held = Interlocked.Add(ref _held, bytes);
        var byCaches = Interlocked.Add(ref _heldByCaches, bytes);
        if (bytes > 0 && (held > Limit || byCaches > AddressLimit))
        {
            ReleaseFromCaches(bytes);
            return false;
        }
        return true;
    }

    public void ReleaseFromCaches(long bytes)
    {
        Interlocked.Add(ref _held, -bytes);
        Interlocked.Add(ref _heldByCaches, -bytes);
    }
}
