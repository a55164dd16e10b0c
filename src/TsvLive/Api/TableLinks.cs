namespace TsvLive.Api;

/// <summary>Builds the view and edit links of a table, from the configured public address or the request's.</summary>
internal sealed class TableLinks(string baseUrl)
{
    public string View(string id) => $"{baseUrl}/t/{id}";

    /// <summary>The edit key rides in the fragment, so browsers never send it to a server or in a Referer.</summary>
    public string Edit(string id, string editKey) => $"{View(id)}#key={editKey}";

    public static TableLinks For(HttpRequest request, string? publicBaseUrl) =>
        new((publicBaseUrl ?? $"{request.Scheme}://{request.Host}{request.PathBase}").TrimEnd('/'));
}
