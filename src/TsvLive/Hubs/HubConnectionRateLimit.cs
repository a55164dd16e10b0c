using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TsvLive.Errors;

namespace TsvLive.Hubs;

/// <summary>
/// At most TsvLive:HubConnectionsPerMinute new hub connections per client address (ASP.NET Core's
/// rate limiting middleware on the hub's endpoints; negotiations and connections that skip
/// negotiation count): a flood costs the server memory and everyone else latency. Each page needs
/// one per connection, so the default is far above use.
/// </summary>
internal static class HubConnectionRateLimit
{
    public const string Policy = "hub-negotiate";

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
                return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            limiter.OnRejected = (context, _) =>
            {
                var services = context.HttpContext.RequestServices;
                var perMinute = services.GetRequiredService<IOptions<TsvLiveOptions>>().Value.HubConnectionsPerMinute;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var detail = $"Your network has opened {perMinute} live {(perMinute == 1 ? "connection" : "connections")} to this server in the last minute, the most one address may. " +
                    "The table is still shown, without live updates; the page connects again by itself.";
                services.GetRequiredService<HubRefusals>().Refused(context.HttpContext.Connection.RemoteIpAddress, detail, retryAfter);
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
