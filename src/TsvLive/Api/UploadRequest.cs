using System.Runtime.Serialization;
using System.Text;

namespace TsvLive.Api;

/// <summary>
/// The second argument of the hub's Upload: without <see cref="Id"/> it creates a table, with it (and the key) it replaces one.
/// <see cref="Separator"/> forces the separator (<c>tab</c>, <c>comma</c>, <c>semicolon</c>, <c>pipe</c>); without it, it is detected.
/// </summary>
[DataContract]
public sealed record UploadRequest(
    [property: DataMember(Name = "name")] string? Name,
    [property: DataMember(Name = "id")] string? Id = null,
    [property: DataMember(Name = "editKey")] string? EditKey = null,
    [property: DataMember(Name = "separator")] string? Separator = null)
{
    /// <summary>
    /// What ToString() shows, as SignalR's debug log prints hub arguments: never the edit key
    /// itself, only whether one was given.
    /// </summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Name = ").Append(Name).Append(", Id = ").Append(Id)
            .Append(", EditKey = ").Append(EditKey is null ? "(none)" : "(redacted)")
            .Append(", Separator = ").Append(Separator);
        return true;
    }
}
