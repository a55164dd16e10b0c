using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Limits;

namespace TsvLive.Hubs;

/// <summary>
/// New hub connections per client address (<see cref="ClientAddress"/>; ASP.NET Core's rate limiting
/// middleware on the hub's endpoints; negotiations and connections that skip negotiation count): a
/// bucket of TsvLive:HubConnectionsPerMinute, refilled evenly over a minute. An office's viewers
/// arriving within a minute all get in; a flood is slowed to the refill rate, since each connection
/// costs the server memory and everyone else latency.
/// </summary>
internal static class HubConnectionRateLimit
{
    public const string Policy = "hub-negotiate";

    private const int RefillsPerMinute = 60;

    public static IServiceCollection AddHubConnectionRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, context =>
            {
                if (!OpensAConnection(context.Request))
                {
                    return RateLimitPartition.GetNoLimiter("connect");
                }
                var perMinute = context.RequestServices.GetRequiredService<IOptions<TsvLiveOptions>>().Value.HubConnectionsPerMinute;
                return RateLimitPartition.GetTokenBucketLimiter(context.ClientKey(),
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = perMinute,
                        TokensPerPeriod = Math.Max(1, perMinute / RefillsPerMinute),
                        ReplenishmentPeriod = perMinute >= RefillsPerMinute ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1.0 / perMinute),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
            });
            limiter.OnRejected = (context, _) =>
            {
                var services = context.HttpContext.RequestServices;
                var perMinute = services.GetRequiredService<IOptions<TsvLiveOptions>>().Value.HubConnectionsPerMinute;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(60.0 / perMinute);
                var detail = $"Your network has opened {perMinute} live {(perMinute == 1 ? "connection" : "connections")} to this server in the last minute, the most one address may. " +
                    "The table is still shown, without live updates; the page connects again by itself.";
                services.GetRequiredService<HubRefusals>().Refused(context.HttpContext.ClientKey(), detail, retryAfter);
                throw new TooManyRequestsException(detail, retryAfter);
            };
        });

    /// <summary>
    /// A negotiation, or a WebSocket request without a connection id: a client that skips negotiation
    /// (as the browser app does, so that instances behind a proxy need no sticky sessions).
    /// </summary>
    private static bool OpensAConnection(HttpRequest request) =>
        request.Path.Value!.EndsWith("/negotiate", StringComparison.Ordinal)
        || (request.Path.Value.EndsWith(TablesHub.Path, StringComparison.Ordinal) && !request.Query.ContainsKey("id"));
}
