namespace TsvLive.Tables;

/// <summary>One version of a table as it is published: immutable, swapped whole on replacement.</summary>
/// <param name="Source">The data: fixed once complete; for a new table still arriving, its latest snapshot.</param>
/// <param name="ChargedTo">The client address whose share of the memory budget holds this version.</param>
internal sealed record TableVersion(int Version, string Name, DateTimeOffset UpdatedAt, ITableContentSource Source, string ChargedTo)
{
    /// <summary>The data as it is now: one immutable snapshot.</summary>
    public TableContent Content() => Source.Snapshot();
}
