using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TsvLive.Errors;

namespace TsvLive.Tables.Ingest;

/// <summary>
/// Who may start an upload now, over HTTP and the hub alike: at most TsvLive:UploadsPerMinute per
/// client address (and TsvLive:NewTablesPerHour new tables), and at most
/// TsvLive:MaxUploadsPerConnection / MaxUploadsPerAddress running at once.
/// </summary>
internal sealed class UploadGate : IDisposable
{
    private readonly TsvLiveOptions _options;
    private readonly PartitionedRateLimiter<string> _perMinute;
    private readonly PartitionedRateLimiter<string> _newTablesPerHour;
    private readonly ConcurrentDictionary<string, int> _running = new(StringComparer.Ordinal);

    public UploadGate(IOptions<TsvLiveOptions> options)
    {
        _options = options.Value;
        _perMinute = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = _options.UploadsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        _newTablesPerHour = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = _options.NewTablesPerHour, Window = TimeSpan.FromHours(1), QueueLimit = 0 }));
    }

    /// <summary>Takes a place for one upload (a new table, or a replacement), given back when the result is disposed.</summary>
    public IDisposable Enter(Uploader uploader, bool newTable)
    {
        var address = uploader.AddressKey;
        using (var lease = _perMinute.AttemptAcquire(address))
        {
            if (!lease.IsAcquired)
            {
                throw new TooManyRequestsException(
                    $"This address has started {_options.UploadsPerMinute} uploads in the last minute, the most allowed. Wait a minute and try again.");
            }
        }
        if (newTable)
        {
            using var lease = _newTablesPerHour.AttemptAcquire(address);
            if (!lease.IsAcquired)
            {
                throw new TooManyRequestsException(
                    $"This address has created {_options.NewTablesPerHour} tables in the last hour, the most allowed. Replace one of them, or try again later.");
            }
        }
        var taken = new List<string>(2);
        try
        {
            Take("address:" + address, _options.MaxUploadsPerAddress, taken, "from this address");
            if (uploader.ConnectionId is { } connection)
            {
                Take("connection:" + connection, _options.MaxUploadsPerConnection, taken, "on this connection");
            }
        }
        catch
        {
            taken.ForEach(Release);
            throw;
        }
        return new Place(this, taken);
    }

    public void Dispose()
    {
        _perMinute.Dispose();
        _newTablesPerHour.Dispose();
    }

    private void Take(string key, int max, List<string> taken, string where)
    {
        if (_running.AddOrUpdate(key, 1, (_, n) => n + 1) > max)
        {
            Release(key);
            throw new TooManyRequestsException($"{max} uploads are already running {where}, the most allowed at once. Wait for one to finish.");
        }
        taken.Add(key);
    }

    private void Release(string key)
    {
        _running.AddOrUpdate(key, 0, (_, n) => n - 1);
        _running.TryRemove(new KeyValuePair<string, int>(key, 0));
    }

    private sealed class Place(UploadGate gate, List<string> keys) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                keys.ForEach(gate.Release);
            }
        }
    }
}
