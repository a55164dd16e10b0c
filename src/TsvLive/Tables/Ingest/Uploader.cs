using TsvLive.Limits;

namespace TsvLive.Tables.Ingest;

/// <summary>Who is uploading: the hub connection (none over HTTP) and the client, as limits and the memory budget count it (<see cref="ClientAddress"/>).</summary>
internal sealed record Uploader(string? ConnectionId, string AddressKey)
{
    public static Uploader Of(HttpContext http, string? connectionId = null) => new(connectionId, http.ClientKey());
}
