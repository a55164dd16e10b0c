namespace TsvLive.Tables;

/// <summary>A table's metadata, as the HTTP API and the hub send it.</summary>
public record TableInfo(
    string Id,
    int Version,
    string Name,
    long RowCount,
    IReadOnlyList<string> Columns,
    string Dialect,
    bool Complete,
    long SizeBytes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    internal static TableInfo Of(Table table, TableVersion version, TableContent content) => new(
        table.Id,
        version.Version,
        version.Name,
        content.RowCount,
        content.Columns,
        content.Dialect.ToWire(),
        content.Complete,
        content.SizeBytes,
        table.CreatedAt,
        version.UpdatedAt);

    internal static TableInfo Of(Table table)
    {
        var version = table.Current;
        return Of(table, version, version.Content());
    }
}

/// <summary>The answer to creating a table: its metadata and the two links, with the edit key that only the uploader gets.</summary>
public sealed record TableCreated(
    string Id,
    int Version,
    string Name,
    long RowCount,
    IReadOnlyList<string> Columns,
    string Dialect,
    bool Complete,
    long SizeBytes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string ViewUrl,
    string EditKey,
    string EditUrl)
    : TableInfo(Id, Version, Name, RowCount, Columns, Dialect, Complete, SizeBytes, CreatedAt, UpdatedAt)
{
    internal static TableCreated Of(TableInfo info, TableLinks links, string editKey) => new(
        info.Id, info.Version, info.Name, info.RowCount, info.Columns, info.Dialect, info.Complete, info.SizeBytes,
        info.CreatedAt, info.UpdatedAt, links.View(info.Id), editKey, links.Edit(info.Id, editKey));
}

/// <summary>One page of rows of one version.</summary>
public sealed record TablePage(
    string Id,
    int Version,
    bool Complete,
    long Page,
    int PageSize,
    long TotalRows,
    long TotalPages,
    IReadOnlyList<string> Columns,
    IReadOnlyList<string[]> Rows);
