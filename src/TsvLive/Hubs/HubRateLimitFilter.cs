using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TsvLive.Errors;

namespace TsvLive.Hubs;

/// <summary>
/// At most TsvLive:HubCallsPerSecond hub calls per connection on average (bursts of twice that):
/// a client flooding GetPage is slowed with a clear error, and no other connection notices. A
/// connection that goes on calling after a whole burst's worth of refusals in a row is closed.
/// </summary>
internal sealed partial class HubRateLimitFilter(IOptions<TsvLiveOptions> options, ILogger<HubRateLimitFilter> logger) : IHubFilter, IDisposable
{
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _refusedInARow = new(StringComparer.Ordinal);

    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var perSecond = options.Value.HubCallsPerSecond;
        var limiter = _limiters.GetOrAdd(invocationContext.Context.ConnectionId, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond * 2,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        var connectionId = invocationContext.Context.ConnectionId;
        using var lease = limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            var refused = _refusedInARow.AddOrUpdate(connectionId, 1, (_, n) => n + 1);
            if (refused > perSecond * 2)
            {
                // Calls already received still come through here after the close: it is logged once.
                if (refused == perSecond * 2 + 1)
                {
                    LogClosed(connectionId, perSecond * 2);
                }
                invocationContext.Context.Abort();
            }
            throw new TooManyRequestsException($"Too many requests: at most {perSecond} a second. Slow down and try again in a moment.");
        }
        _refusedInARow.TryRemove(connectionId, out _);
        return await next(invocationContext);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _refusedInARow.TryRemove(context.Context.ConnectionId, out _);
        if (_limiters.TryRemove(context.Context.ConnectionId, out var limiter))
        {
            limiter.Dispose();
        }
        return next(context, exception);
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }

    [LoggerMessage(LogLevel.Information, "Closed hub connection {ConnectionId}: it kept calling after {Refused} calls in a row were refused by the rate limit")]
    private partial void LogClosed(string connectionId, int refused);
}
