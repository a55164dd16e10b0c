using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        return app;
    }
}
