namespace TsvLive.Web;

internal static class KestrelLimits
{
    /// <summary>Caps the connections the server keeps open (TsvLive:MaxConnections), WebSockets included.</summary>
    public static IWebHostBuilder UseTsvLiveConnectionLimits(this IWebHostBuilder webHost, IConfiguration configuration)
    {
        var options = configuration.GetSection(TsvLiveOptions.Section).Get<TsvLiveOptions>() ?? new TsvLiveOptions();
        return webHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = options.MaxConnections;
        });
    }
}
