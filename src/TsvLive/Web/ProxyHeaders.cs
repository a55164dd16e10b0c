using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using TsvLive.Limits;
using IPNetwork = System.Net.IPNetwork;

namespace TsvLive.Web;

/// <summary>
/// Behind a reverse proxy (nginx, a load balancer), the client's address and scheme come from the
/// proxy's X-Forwarded-For and X-Forwarded-Proto, trusted only from TsvLive:KnownProxies (addresses
/// or networks such as 10.0.0.0/8). Then the Origin check, the links TsvLive builds and every
/// per-address limit see the real client and scheme, and the proxy's own connections are not held
/// to one client's connection quota. With no known proxies, the headers are ignored: anyone could
/// send them.
/// </summary>
internal sealed class ProxyHeaders
{
    private readonly IPNetwork[] _networks;

    /// <param name="options">Its KnownProxies are valid (checked at start).</param>
    public ProxyHeaders(IOptions<TsvLiveOptions> options) =>
        _networks = [.. options.Value.KnownProxies.Select(IpNetworks.TryParse).OfType<IPNetwork>()];

    /// <summary>Whether connections from <paramref name="address"/> are a known proxy's.</summary>
    public bool IsKnownProxy(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Any(n => n.Contains(plain));
    }
}

internal static class ProxyHeadersExtensions
{
    public static IServiceCollection AddProxyHeaders(this IServiceCollection services)
    {
        services.AddSingleton<ProxyHeaders>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TsvLiveOptions>>((forwarded, options) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the proxies named, not the loopback default (with none named the middleware is not used at all).
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var proxy in options.Value.KnownProxies)
            {
                if (IpNetworks.TryParse(proxy) is { } network)
                {
                    forwarded.KnownIPNetworks.Add(network);
                }
            }
        });
        return services;
    }

    /// <summary>
    /// First in the pipeline, so logging, limits and links all see the client's address and scheme.
    /// Only with known proxies: ASP.NET Core's middleware with empty lists trusts everyone.
    /// </summary>
    public static IApplicationBuilder UseProxyHeaders(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<TsvLiveOptions>>().Value.KnownProxies.Length > 0 ? app.UseForwardedHeaders() : app;
}
