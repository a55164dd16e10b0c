using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace TsvLive.Web;

internal static class KestrelLimits
{
    /// <summary>
    /// Caps the connections the server keeps open (TsvLive:MaxConnections), WebSockets included, from
    /// the same validated options as everything else (an invalid value stops the start with a clear error).
    /// </summary>
    public static IServiceCollection AddTsvLiveConnectionLimits(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<TsvLiveOptions>>((kestrel, options) =>
        {
            kestrel.Limits.MaxConcurrentConnections = options.Value.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = options.Value.MaxConnections;
        });
        return services;
    }
}
