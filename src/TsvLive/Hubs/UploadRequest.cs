using System.Runtime.Serialization;

namespace TsvLive.Hubs;

/// <summary>The second argument of the hub's Upload: without <see cref="Id"/> it creates a table, with it (and the key) it replaces one.</summary>
[DataContract]
public sealed record UploadRequest(
    [property: DataMember(Name = "name")] string? Name,
    [property: DataMember(Name = "id")] string? Id = null,
    [property: DataMember(Name = "editKey")] string? EditKey = null);
