using MessagePack;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TsvLive.Errors;
using TsvLive.Limits;
using TsvLive.Tables;

namespace TsvLive.Hubs;

internal static class HubServiceExtensions
{
    /// <summary>Hub messages must fit one 64 KiB chunk as base64 (about 87 KB) plus its envelope, and no more.</summary>
    public const long MaximumReceiveMessageSize = 128 * 1024;

    public static IServiceCollection AddTableHub(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddSignalR(hub =>
        {
            hub.MaximumReceiveMessageSize = MaximumReceiveMessageSize;
            // Chunks of an upload waiting for the server: a few, not the whole file.
            hub.StreamBufferCapacity = 4;
            hub.EnableDetailedErrors = environment.IsDevelopment();
            // The first filter runs outermost: errors of the rate limit are translated too.
            hub.AddFilter<HubErrorFilter>();
            hub.AddFilter<HubRateLimitFilter>();
        })
        // Binary chunks without base64, next to JSON; messages from strangers are untrusted data.
        .AddMessagePackProtocol(messagePack => messagePack.SerializerOptions =
            messagePack.SerializerOptions.WithSecurity(MessagePackSecurity.UntrustedData));
        services.AddSingleton<HubRateLimitFilter>();
        services.AddSingleton<ViewerRegistry>();
        services.AddSingleton<Presentations>();
        services.TryAddSingleton<IPresentationDirectory, LocalPresentationDirectory>();
        services.AddSingleton<HubRefusals>();
        services.TryAddSingleton<IViewerTotals, LocalViewerTotals>();
        services.AddSingleton<TableEvents>();
        services.AddSingleton<ITableEvents>(provider => provider.GetRequiredService<TableEvents>());
        services.AddHostedService<ViewerCountBroadcaster>();
        services.AddHubConnectionRateLimit();
        return services;
    }

    public static IEndpointRouteBuilder MapTableHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<TablesHub>(TablesHub.Path).RequireRateLimiting(HubConnectionRateLimit.Policy);
        app.MapGet("/api/live-connection", LiveConnection);
        return app;
    }

    /// <summary>
    /// Whether this client address may open a live connection now: 200 <c>{ live: true }</c>, or the
    /// 429 problem+json (with Retry-After) it was refused with, which a browser cannot read from a refused WebSocket.
    /// </summary>
    private static Ok<LiveConnection> LiveConnection(HttpContext http, HubRefusals refusals, TimeProvider clock)
    {
        if (refusals.Current(http.ClientKey()) is { } refusal)
        {
            throw new TooManyRequestsException(refusal.Detail, refusal.Until - clock.GetUtcNow());
        }
        return TypedResults.Ok(new LiveConnection(true));
    }
}

/// <summary>The answer of GET /api/live-connection when a live connection may be opened.</summary>
internal sealed record LiveConnection(bool Live);
