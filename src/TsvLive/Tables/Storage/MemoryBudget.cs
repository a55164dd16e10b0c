using Microsoft.Extensions.Options;
using TsvLive.Errors;

namespace TsvLive.Tables.Storage;

/// <summary>
/// How many bytes of table data the server holds, against TsvLive:MaxBytesInMemory (by default half
/// the memory the process may use). Uploads reserve their bytes as they arrive; when the budget is
/// full, uploads are refused with a clear message instead of the server running out of memory.
/// </summary>
internal sealed class MemoryBudget(IOptions<TsvLiveOptions> options)
{
    private static readonly long s_defaultLimit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;
    private long _held;

    public long Limit => options.Value.MaxBytesInMemory ?? s_defaultLimit;

    public long Held => Volatile.Read(ref _held);

    public void Reserve(long bytes)
    {
        if (Interlocked.Add(ref _held, bytes) > Limit)
        {
            Interlocked.Add(ref _held, -bytes);
            throw new ServerFullException(Limit);
        }
    }

    public void Release(long bytes) => Interlocked.Add(ref _held, -bytes);
}
