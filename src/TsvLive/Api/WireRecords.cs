using System.Runtime.Serialization;
using System.Text.Json.Serialization;
using TsvLive.Tables;
using TsvLive.Tables.Columns;
using TsvLive.Tables.Appends;
using TsvLive.Tables.Changes;
using TsvLive.Tables.Paging;
using TsvLive.Tables.Text;
using TsvLive.Tables.Views;

namespace TsvLive.Api;

/// <summary>A table's metadata, as the HTTP API and the hub send it.</summary>
[DataContract]
public record TableInfo(
    [property: DataMember(Name = "id")] string Id,
    [property: DataMember(Name = "version")] int Version,
    [property: DataMember(Name = "name")] string Name,
    [property: DataMember(Name = "rowCount")] long RowCount,
    [property: DataMember(Name = "columns")] IReadOnlyList<string> Columns,
    [property: DataMember(Name = "columnTypes")] IReadOnlyList<string> ColumnTypes,
    [property: DataMember(Name = "dialect")] string Dialect,
    [property: DataMember(Name = "complete")] bool Complete,
    [property: DataMember(Name = "sizeBytes")] long SizeBytes,
    [property: DataMember(Name = "createdAt")] DateTimeOffset CreatedAt,
    [property: DataMember(Name = "updatedAt")] DateTimeOffset UpdatedAt)
{
    /// <summary>How the fields are separated: <c>tab</c>, <c>comma</c>, <c>semicolon</c> or <c>pipe</c> (contract v2, "Separators").</summary>
    [DataMember(Name = "separator")]
    public string Separator { get; init; } = "tab";

    /// <summary>How the file's bytes were decoded: <c>UTF-8</c>, <c>UTF-16</c>, <c>UTF-32</c> or <c>Windows-1252</c>.</summary>
    [DataMember(Name = "encoding")]
    public string Encoding { get; init; } = "UTF-8";

    internal static TableInfo Of(Table table, TableVersion version, TableContent content) => new(
        table.Id,
        version.Version,
        version.Name,
        content.RowCount,
        content.Columns,
        [.. content.ColumnTypes.Select(t => t.ToWire())],
        content.Dialect.ToWire(),
        content.Complete,
        content.SizeBytes,
        table.CreatedAt,
        version.UpdatedAt)
    {
        Separator = content.Separator.ToWire(),
        Encoding = content.EncodingName,
    };

    internal static TableInfo Of(Table table, TableVersion version) => Of(table, version, version.Content());

    internal static TableInfo Of(Table table) => Of(table, table.Current);
}

/// <summary>What an append stream added (contract v3, "Live tables"): the version (unchanged), its rows now, and the records appended.</summary>
[DataContract]
public sealed record Appended(
    [property: DataMember(Name = "id")] string Id,
    [property: DataMember(Name = "version")] int Version,
    [property: DataMember(Name = "rowCount")] long RowCount,
    [property: DataMember(Name = "appended"), JsonPropertyName("appended")] long AppendedRows)
{
    internal static Appended Of(AppendResult result) =>
        new(result.Table.Id, result.Version.Version, result.Version.Content().RowCount, result.Appended);
}

/// <summary>One kept version of a table, as <c>GET /versions</c> lists it (contract v2, "Versions and changes").</summary>
[DataContract]
public sealed record VersionInfo(
    [property: DataMember(Name = "version")] int Version,
    [property: DataMember(Name = "name")] string Name,
    [property: DataMember(Name = "rowCount")] long? RowCount,
    [property: DataMember(Name = "sizeBytes")] long SizeBytes,
    [property: DataMember(Name = "updatedAt")] DateTimeOffset UpdatedAt)
{
    internal static VersionInfo Of(VersionSummary version) => new(version.Version, version.Name, version.RowCount, version.SizeBytes, version.UpdatedAt);
}

/// <summary>The answer to creating a table: its metadata and the two links, with the edit key that only the uploader gets.</summary>
[DataContract]
public sealed record TableCreated(
    string Id,
    int Version,
    string Name,
    long RowCount,
    IReadOnlyList<string> Columns,
    IReadOnlyList<string> ColumnTypes,
    string Dialect,
    bool Complete,
    long SizeBytes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: DataMember(Name = "viewUrl")] string ViewUrl,
    [property: DataMember(Name = "editKey")] string EditKey,
    [property: DataMember(Name = "editUrl")] string EditUrl)
    : TableInfo(Id, Version, Name, RowCount, Columns, ColumnTypes, Dialect, Complete, SizeBytes, CreatedAt, UpdatedAt)
{
    internal static TableCreated Of(Table table, TableVersion version, TableLinks links, string editKey) => Of(TableInfo.Of(table, version), links, editKey);

    private static TableCreated Of(TableInfo info, TableLinks links, string editKey) => new(
        info.Id, info.Version, info.Name, info.RowCount, info.Columns, info.ColumnTypes, info.Dialect, info.Complete, info.SizeBytes,
        info.CreatedAt, info.UpdatedAt, links.View(info.Id), editKey, links.Edit(info.Id, editKey))
    {
        Separator = info.Separator,
        Encoding = info.Encoding,
    };
}

/// <summary>One page of rows of one version: of the whole table, or of a view of it (totalRows counts the view).</summary>
[DataContract]
public sealed record TablePage(
    [property: DataMember(Name = "id")] string Id,
    [property: DataMember(Name = "version")] int Version,
    [property: DataMember(Name = "complete")] bool Complete,
    [property: DataMember(Name = "page")] long Page,
    [property: DataMember(Name = "pageSize")] int PageSize,
    [property: DataMember(Name = "totalRows")] long TotalRows,
    [property: DataMember(Name = "totalPages")] long TotalPages,
    [property: DataMember(Name = "columns")] IReadOnlyList<string> Columns,
    [property: DataMember(Name = "rows")] IReadOnlyList<string[]> Rows,
    [property: DataMember(Name = "tableRows")] long TableRows,
    [property: DataMember(Name = "rowNumbers")] IReadOnlyList<long> RowNumbers,
    [property: DataMember(Name = "view")] ViewDescription View,
    [property: DataMember(Name = "truncated")] IReadOnlyList<CutCell> Truncated)
{
    /// <summary>The whole page, read now (the hub's answers are bounded by <see cref="TsvLiveOptions.MaxPageBytes"/>).</summary>
    internal static TablePage Of(PagePlan plan)
    {
        var cuts = new CellCuts(plan.MaxCellBytes);
        var rows = plan.Rows(cuts).ToArray();
        var content = plan.Content;
        return new(plan.Id, plan.Version, content.Complete, plan.Page, plan.PageSize, plan.TotalRows, plan.TotalPages, content.Columns, rows,
            content.RowCount, plan.RowNumbers(), plan.View, cuts.Cuts);
    }
}

/// <summary>What the hub's GetRows asks for: a page of a view (every part optional).</summary>
[DataContract]
public sealed record RowsRequest(
    [property: DataMember(Name = "page")] long? Page = null,
    [property: DataMember(Name = "pageSize")] int? PageSize = null,
    [property: DataMember(Name = "sort")] string[]? Sort = null,
    [property: DataMember(Name = "filter")] string[]? Filter = null,
    [property: DataMember(Name = "q")] string? Q = null,
    [property: DataMember(Name = "version")] int? Version = null)
{
    internal PageQuery ToQuery() => new(Page, PageSize, Sort, Filter, Q, Version);
}

/// <summary>What the hub's GetChanges asks for: two versions (by default the current one and the one before) and a page.</summary>
[DataContract]
public sealed record ChangesRequest(
    [property: DataMember(Name = "from")] int? From = null,
    [property: DataMember(Name = "to")] int? To = null,
    [property: DataMember(Name = "page")] long? Page = null,
    [property: DataMember(Name = "pageSize")] int? PageSize = null)
{
    internal ChangesQuery ToQuery() => new(From, To, Page, PageSize);
}

/// <summary>
/// A page of the changes between two versions (contract v2, "Versions and changes"); <c>columns</c>
/// and <c>oldColumns</c> (additions) name the cells of each version.
/// </summary>
[DataContract]
public sealed record TableChangesPage(
    [property: DataMember(Name = "id")] string Id,
    [property: DataMember(Name = "from")] int From,
    [property: DataMember(Name = "to")] int To,
    [property: DataMember(Name = "matchedBy")] string MatchedBy,
    [property: DataMember(Name = "added")] int Added,
    [property: DataMember(Name = "removed")] int Removed,
    [property: DataMember(Name = "changed")] int Changed,
    [property: DataMember(Name = "columnsAdded")] IReadOnlyList<string> ColumnsAdded,
    [property: DataMember(Name = "columnsRemoved")] IReadOnlyList<string> ColumnsRemoved,
    [property: DataMember(Name = "page")] long Page,
    [property: DataMember(Name = "pageSize")] int PageSize,
    [property: DataMember(Name = "totalRows")] long TotalRows,
    [property: DataMember(Name = "totalPages")] long TotalPages,
    [property: DataMember(Name = "rows")] IReadOnlyList<ChangedRowInfo> Rows,
    [property: DataMember(Name = "columns")] IReadOnlyList<string> Columns,
    [property: DataMember(Name = "oldColumns")] IReadOnlyList<string> OldColumns)
{
    internal static TableChangesPage Of(ChangesPage page)
    {
        var changes = page.Changes;
        return new(page.Id, changes.From, changes.To, changes.MatchedBy, changes.Added, changes.Removed, changes.Changed,
            changes.ColumnsAdded, changes.ColumnsRemoved, page.Page, page.PageSize, changes.Count, page.TotalPages,
            [.. page.Rows.Select(ChangedRowInfo.Of)], page.Columns, page.OldColumns);
    }
}

/// <summary>One differing row: <c>cells</c> as it is now (as it was, for a removed row), <c>oldCells</c> as it was (null for an added row).</summary>
[DataContract]
public sealed record ChangedRowInfo(
    [property: DataMember(Name = "kind")] string Kind,
    [property: DataMember(Name = "rowNumber")] long? RowNumber,
    [property: DataMember(Name = "oldRowNumber")] long? OldRowNumber,
    [property: DataMember(Name = "cells")] IReadOnlyList<string> Cells,
    [property: DataMember(Name = "oldCells")] IReadOnlyList<string>? OldCells,
    [property: DataMember(Name = "changedColumns")] IReadOnlyList<int> ChangedColumns)
{
    internal static ChangedRowInfo Of(ChangedRow row) => new(
        row.Kind switch { ChangeKind.Added => "added", ChangeKind.Removed => "removed", _ => "changed" },
        row.RowNumber, row.OldRowNumber, row.Cells, row.OldCells, row.ChangedColumns);
}

/// <summary>What <c>Present</c> returns: the id followers follow (random, unguessable).</summary>
[DataContract]
public sealed record PresentationStarted([property: DataMember(Name = "presenterId")] string PresenterId);
