namespace TsvLive.Tables;

/// <summary>One version of a table as it is published: immutable, swapped whole on replacement.</summary>
/// <param name="Content">The data, or for a new table still arriving, where to get its latest snapshot.</param>
internal sealed record TableVersion(int Version, string Name, DateTimeOffset UpdatedAt, Func<TableContent> Content);
