using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Limits;

namespace TsvLive.Tables.Paging;

/// <summary>
/// At most TsvLive:MaxPageReadsPerAddress page reads running at once per client address
/// (<see cref="ClientAddress"/>; HTTP and hub together), so a few slow readers of large pages cannot
/// hold the server's memory or its cores. Further reads wait their turn, oldest first, up to
/// TsvLive:MaxQueuedPageReadsPerAddress (an office whose viewers all reload at once is served in
/// turn, not refused) for at most TsvLive:MaxPageReadWait; past either, 429.
/// </summary>
internal sealed class PageReadGate : IDisposable
{
    private readonly IOptions<TsvLiveOptions> _options;
    private readonly PartitionedRateLimiter<string> _reading;

    public PageReadGate(IOptions<TsvLiveOptions> options)
    {
        _options = options;
        _reading = AtOnce.PerKey<string>(options.Value.MaxPageReadsPerAddress, options.Value.MaxQueuedPageReadsPerAddress);
    }

    /// <summary>Takes a place for one page read (waiting for one if need be), given back when the result is disposed.</summary>
    /// <param name="client">The reader (<see cref="ClientAddress.ClientKey"/>).</param>
    public async ValueTask<IDisposable> EnterAsync(string client, CancellationToken cancellationToken)
    {
        using var waited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        waited.CancelAfter(_options.Value.MaxPageReadWait);
        RateLimitLease lease;
        try
        {
            lease = await _reading.AcquireAsync(client, 1, waited.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TooManyRequestsException(
                $"This address's page reads have waited {_options.Value.MaxPageReadWait.TotalSeconds:0} seconds for the ones before them, the most allowed. Try again in a moment.");
        }
        if (lease.IsAcquired)
        {
            return lease;
        }
        lease.Dispose();
        var max = _options.Value.MaxPageReadsPerAddress;
        throw new TooManyRequestsException(
            $"This address is already reading {max} pages at once and has {_options.Value.MaxQueuedPageReadsPerAddress:N0} more waiting, the most allowed. Wait for them to arrive, then ask again.");
    }

    public void Dispose() => _reading.Dispose();
}
