using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using TsvLive.Errors;

namespace TsvLive.Tables.Paging;

/// <summary>
/// At most TsvLive:MaxPageReadsPerAddress page reads in flight per client address (HTTP and hub
/// together): a few slow readers of large pages cannot hold the server's memory or its cores.
/// </summary>
internal sealed class PageReadGate(IOptions<TsvLiveOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _reading = new(StringComparer.Ordinal);

    /// <summary>Takes a place for one page read, given back when the result is disposed.</summary>
    public IDisposable Enter(IPAddress? address)
    {
        var key = address?.ToString() ?? "unknown";
        var max = options.Value.MaxPageReadsPerAddress;
        if (_reading.AddOrUpdate(key, 1, (_, n) => n + 1) > max)
        {
            Release(key);
            throw new TooManyRequestsException(
                $"This address is already reading {max} pages at once, the most allowed. Wait for them to arrive, then ask again.");
        }
        return new Place(this, key);
    }

    private void Release(string key)
    {
        _reading.AddOrUpdate(key, 0, (_, n) => n - 1);
        _reading.TryRemove(new KeyValuePair<string, int>(key, 0));
    }

    private sealed class Place(PageReadGate gate, string key) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Release(key);
            }
        }
    }
}
