namespace TsvLive.Tests.Fixtures;

/// <summary>A hub negotiation as a client's first request, with the headers a browser or a proxy adds.</summary>
public static class HubNegotiation
{
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, CancellationToken cancellationToken, string? origin = null, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/tables/negotiate?negotiateVersion=1");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        return await http.SendAsync(request, cancellationToken);
    }
}
