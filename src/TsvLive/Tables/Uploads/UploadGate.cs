using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Limits;

namespace TsvLive.Tables.Uploads;

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
    private readonly PartitionedRateLimiter<string> _runningPerAddress;
    private readonly PartitionedRateLimiter<string> _runningPerConnection;

    public UploadGate(IOptions<TsvLiveOptions> options)
    {
        _options = options.Value;
        _perMinute = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = _options.UploadsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        _newTablesPerHour = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = _options.NewTablesPerHour, Window = TimeSpan.FromHours(1), QueueLimit = 0 }));
        _runningPerAddress = AtOnce.PerKey<string>(_options.MaxUploadsPerAddress);
        _runningPerConnection = AtOnce.PerKey<string>(_options.MaxUploadsPerConnection);
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
        var taken = new List<IDisposable>(2);
        try
        {
            taken.Add(Take(_runningPerAddress, address, _options.MaxUploadsPerAddress, "from this address"));
            if (uploader.ConnectionId is { } connection)
            {
                taken.Add(Take(_runningPerConnection, connection, _options.MaxUploadsPerConnection, "on this connection"));
            }
        }
        catch
        {
            taken.ForEach(place => place.Dispose());
            throw;
        }
        return new Places(taken);
    }

    public void Dispose()
    {
        _perMinute.Dispose();
        _newTablesPerHour.Dispose();
        _runningPerAddress.Dispose();
        _runningPerConnection.Dispose();
    }

    private static RateLimitLease Take(PartitionedRateLimiter<string> running, string key, int max, string where)
    {
        var lease = running.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return lease;
        }
        lease.Dispose();
        throw new TooManyRequestsException($"{max} uploads are already running {where}, the most allowed at once. Wait for one to finish.");
    }

    private sealed class Places(List<IDisposable> places) : IDisposable
    {
        public void Dispose() => places.ForEach(place => place.Dispose());
    }
}
