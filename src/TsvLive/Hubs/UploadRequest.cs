namespace TsvLive.Hubs;

/// <summary>The second argument of the hub's Upload: without <see cref="Id"/> it creates a table, with it (and the key) it replaces one.</summary>
public sealed record UploadRequest(string? Name, string? Id = null, string? EditKey = null);
