namespace TsvLive.Tables.Paging;

/// <summary>One page of one version, checked against the limits: what the answer says, and the rows to read.</summary>
internal sealed record PagePlan(string Id, int Version, TableContent Content, long Page, int PageSize, long TotalPages, long First, int Count)
{
    public long TotalRows => Content.RowCount;

    /// <summary>The page's rows, parsed as they are taken.</summary>
    public IEnumerable<string[]> Rows() => PageReader.Rows(Content, First, Count);

    public TablePage ToPage() => new(Id, Version, Content.Complete, Page, PageSize, TotalRows, TotalPages, Content.Columns, Rows().ToArray());
}
