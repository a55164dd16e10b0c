namespace TsvLive.Tables.Uploads;

/// <summary>
/// Who is uploading: the hub connection (none over HTTP) and the client, as limits and the memory
/// budget count it (<see cref="Limits.ClientAddress"/>'s key).
/// </summary>
internal sealed record Uploader(string? ConnectionId, string AddressKey);
