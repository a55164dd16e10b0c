using Microsoft.Extensions.Options;
using TsvLive.Errors;

namespace TsvLive.Hubs;

/// <summary>
/// Refuses hub requests (negotiate, WebSockets, SSE, long polling alike) that a browser makes from
/// another site: cross-site WebSocket hijacking. A browser always sends Origin; it must be this
/// site's own (the request's scheme and host, as the proxy forwarded them, or TsvLive:PublicBaseUrl's
/// origin) or one of TsvLive:AllowedOrigins. Clients that are not browsers send no Origin and are
/// let through: they could forge one anyway.
/// </summary>
internal static class HubOriginCheck
{
    public static IApplicationBuilder UseHubOriginCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments(TablesHub.Path)
            && context.Request.Headers.Origin.FirstOrDefault() is { } origin
            && !IsAllowed(origin, context.Request, context.RequestServices.GetRequiredService<IOptions<TsvLiveOptions>>().Value))
        {
            throw new CrossSiteRefusedException();
        }
        await next(context);
    });

    private static bool IsAllowed(string origin, HttpRequest request, TsvLiveOptions options)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }
        var sameSite = string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
        var publicSite = options.PublicBaseUrl is { } publicBaseUrl && Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var site)
            && string.Equals(uri.GetLeftPart(UriPartial.Authority), site.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
        return sameSite || publicSite || options.AllowedOrigins.Any(allowed => string.Equals(allowed.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }
}
