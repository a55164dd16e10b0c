using System.Net;

namespace TsvLive.Tables.Ingest;

/// <summary>Who is uploading: the hub connection (none over HTTP) and the client's address.</summary>
internal sealed record Uploader(string? ConnectionId, IPAddress? Address)
{
    /// <summary>The address as limits and the memory budget count it.</summary>
    public string AddressKey => Address?.ToString() ?? "unknown";

    public static Uploader Of(HttpContext http, string? connectionId = null) => new(connectionId, http.Connection.RemoteIpAddress);
}
