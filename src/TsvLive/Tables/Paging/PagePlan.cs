using TsvLive.Tables.Views;

namespace TsvLive.Tables.Paging;

/// <summary>
/// One page of one version, checked against the limits: what the answer says, and the rows to read.
/// Without a view the page is the records First .. First + Count − 1; with one, those positions of
/// the view's rows (<paramref name="ViewRows"/>, 0-based record numbers). A cell longer than
/// <paramref name="MaxCellBytes"/> is carried cut (<see cref="CellCuts"/>).
/// </summary>
internal sealed record PagePlan(
    string Id, int Version, TableContent Content, long Page, int PageSize, long TotalPages, long First, int Count,
    int[]? ViewRows, ViewDescription View, int MaxCellBytes)
{
    public long TotalRows => ViewRows?.Length ?? Content.RowCount;

    /// <summary>The page's records: 0-based numbers in the file.</summary>
    public IEnumerable<long> Records() => ViewRows is { } rows
        ? rows.Skip((int)First).Take(Count).Select(r => (long)r)
        : Enumerable.Range(0, Count).Select(i => First + i);

    /// <summary>Each row's 1-based data record number in the file.</summary>
    public long[] RowNumbers() => [.. Records().Select(r => r + 1)];

    /// <summary>The page's rows, parsed as they are taken; the cells cut are noted in <paramref name="cuts"/> as they are.</summary>
    public IEnumerable<string[]> Rows(CellCuts cuts) =>
        ViewRows is null ? TableRecords.Rows(Content, First, Count, cuts) : TableRecords.RowsAt(Content, Records(), cuts);
}

/// <summary>What a page is asked for: its number and size, and the view (every part optional).</summary>
/// <param name="Version">The version to read (a kept older one); null: the current one.</param>
internal sealed record PageQuery(long? Page = null, int? PageSize = null, string[]? Sort = null, string[]? Filter = null, string? Q = null, int? Version = null);

/// <summary>A table's version (the current one unless an older one was asked for) and the rows of a view of it (<paramref name="Rows"/> null: every row, in file order).</summary>
internal sealed record ViewedVersion(Table Table, TableVersion Version, TableContent Content, ViewRequest View, int[]? Rows)
{
    public long RowCount => Rows?.Length ?? Content.RowCount;
}
