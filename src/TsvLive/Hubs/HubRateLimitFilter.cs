using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TsvLive.Errors;

namespace TsvLive.Hubs;

/// <summary>
/// At most TsvLive:HubCallsPerSecond hub calls per connection on average (bursts of twice that):
/// a client flooding GetPage is slowed with a clear error, and no other connection notices.
/// </summary>
internal sealed class HubRateLimitFilter(IOptions<TsvLiveOptions> options) : IHubFilter, IDisposable
{
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _limiters = new(StringComparer.Ordinal);

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
        using var lease = limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            throw new TooManyRequestsException($"Too many requests: at most {perSecond} a second. Slow down and try again in a moment.");
        }
        return await next(invocationContext);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
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
}
