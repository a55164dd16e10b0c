using System.Net;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Limits;

namespace TsvLive.Tables.Paging;

/// <summary>
/// At most TsvLive:MaxPageReadsPerAddress page reads in flight per client address (HTTP and hub
/// together): a few slow readers of large pages cannot hold the server's memory or its cores.
/// </summary>
internal sealed class PageReadGate(IOptions<TsvLiveOptions> options)
{
    private readonly InFlightCounts<string> _reading = new();

    /// <summary>Takes a place for one page read, given back when the result is disposed.</summary>
    public IDisposable Enter(IPAddress? address)
    {
        var max = options.Value.MaxPageReadsPerAddress;
        return _reading.TryEnter(address?.ToString() ?? "unknown", max) ?? throw new TooManyRequestsException(
            $"This address is already reading {max} pages at once, the most allowed. Wait for them to arrive, then ask again.");
    }
}
