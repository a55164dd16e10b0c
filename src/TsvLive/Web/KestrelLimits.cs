using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace TsvLive.Web;

internal static class KestrelLimits
{
    /// <summary>
    /// Caps the connections the server keeps open (TsvLive:MaxConnections, WebSockets included; and
    /// TsvLive:MaxConnectionsPerAddress per client address) and how long an idle one stays, from the
    /// same validated options as everything else (an invalid value stops the start with a clear error).
    /// </summary>
    public static IServiceCollection AddTsvLiveConnectionLimits(this IServiceCollection services)
    {
        services.AddSingleton<ConnectionsPerAddress>();
        services.AddProxyHeaders();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<TsvLiveOptions>, ConnectionsPerAddress>((kestrel, options, perAddress) =>
        {
            kestrel.Limits.MaxConcurrentConnections = options.Value.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = options.Value.MaxConnections;
            kestrel.Limits.KeepAliveTimeout = options.Value.IdleConnectionTimeout;
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(perAddress.Limit));
        });
        return services;
    }
}
