namespace TsvLive.Tables;

/// <summary>What the versions list says of one kept version of a table.</summary>
/// <param name="RowCount">Null only for an older version stored before versions were kept (its count was not written down).</param>
internal sealed record VersionSummary(int Version, string Name, long? RowCount, long SizeBytes, DateTimeOffset UpdatedAt)
{
    public static VersionSummary Of(TableVersion version)
    {
        var content = version.Content();
        return new(version.Version, version.Name, content.RowCount, content.SizeBytes, version.UpdatedAt);
    }
}
