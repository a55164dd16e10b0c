using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Operations;
using TsvLive.Tables.Registry;
using TsvLive.Tables.Views;

namespace TsvLive.Tables.Paging;

/// <summary>
/// Reads one page of a table's current version, parsing only that page's records. A page is
/// checked against the limits (rows, cells, bytes) before any of it is built, and its rows can be
/// taken one at a time (<see cref="PagePlan.Rows"/>), so an HTTP answer never holds a whole page.
/// </summary>
internal sealed class PageReader(
    TableStore store, ViewEngine views, ViewBasis basis, ViewWorkQueue work, TsvLiveMetrics metrics, IOptions<TsvLiveOptions> options)
{
    /// <summary>
    /// Which rows a page holds, checked against every limit; nothing is read yet. With a view (sort,
    /// filter, find), its rows are computed first, or taken from the cache.
    /// </summary>
    /// <param name="client">Who asks (<see cref="Limits.ClientAddress.ClientKey"/>): a view to compute waits its turn among the clients (<see cref="ViewWorkQueue"/>).</param>
    public async Task<PagePlan> PlanAsync(string? id, PageQuery request, string client, CancellationToken cancellationToken)
    {
        var (page, pageSize) = (request.Page, request.PageSize);
        var size = pageSize ?? options.Value.DefaultPageSize;
        var number = page ?? 1;
        if (number < 1)
        {
            throw new InvalidPageRequestException($"Page numbers start at 1; {number} is not a page.");
        }
        if (size < 1 || size > options.Value.MaxPageSize)
        {
            throw new InvalidPageRequestException($"The page size must be between 1 and {options.Value.MaxPageSize}; {size} is outside that range.");
        }
        var (table, version, content, view, rows) = await ViewAsync(id, request, client, cancellationToken,
            checkContent: content => ThrowIfTooWide(content, size)).ConfigureAwait(false);
        var total = rows?.Length ?? content.RowCount;
        var totalPages = Math.Max(1, (total + size - 1) / size);
        var first = (number - 1) * size;
        var count = number <= totalPages ? (int)Math.Min(size, total - first) : 0;
        var plan = new PagePlan(
            table.Id, version.Version, content, number, size, totalPages, first, Math.Max(0, count), rows, view.Describe(), options.Value.MaxCellBytesInPage);
        ThrowIfTooManyBytes(plan, options.Value.MaxPageBytes);
        return plan;
    }

    /// <summary>
    /// The version of a table asked for (the current one by default) and the rows of the view asked for (null: every row, in file
    /// order): computed, after its turn among the clients, or taken from the cache.
    /// </summary>
    /// <param name="checkContent">Checks made on the version before any view is computed.</param>
    public async Task<ViewedVersion> ViewAsync(string? id, PageQuery request, string client, CancellationToken cancellationToken,
        Action<TableContent>? checkContent = null)
    {
        var table = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var version = await store.VersionAsync(table, request.Version, cancellationToken).ConfigureAwait(false);
        var content = version.Content();
        checkContent?.Invoke(content);
        var view = ViewRequest.Parse(request.Sort, request.Filter, request.Q, content.ColumnTypes);
        if (!view.IsEmpty)
        {
            // A growing table's views are of its rows as they were up to a second ago.
            content = basis.For(table, version);
            view = ViewRequest.Parse(request.Sort, request.Filter, request.Q, content.ColumnTypes);
        }
        try
        {
            using var turn = views.NeedsComputing(table.Id, version.Version, content, view) ? await work.EnterAsync(client, cancellationToken).ConfigureAwait(false) : null;
            return new(table, version, content, view, views.Rows(table.Id, version.Version, content, view, client, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            metrics.ViewCancelled();
            throw;
        }
    }

    private void ThrowIfTooWide(TableContent content, int size)
    {
        if ((long)size * content.Columns.Count > options.Value.MaxCellsPerPage)
        {
            throw new InvalidPageRequestException(
                $"This table has {content.Columns.Count:N0} columns, so a page can hold at most " +
                $"{Math.Max(1, options.Value.MaxCellsPerPage / content.Columns.Count):N0} rows. Ask for fewer rows per page.");
        }
    }

    /// <summary>
    /// One whole cell of the current version as UTF-8 (a page carries long cells cut): <paramref name="row"/>
    /// is the 1-based data record number (a page's <c>rowNumbers</c>), <paramref name="column"/> the
    /// 1-based column. A cell a record does not reach is empty, as in pages.
    /// </summary>
    public async Task<(byte[] Utf8, TableVersion Version)> ReadCellAsync(string? id, long row, int column, CancellationToken cancellationToken)
    {
        var table = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var version = table.Current;
        var content = version.Content();
        if (row < 1 || row > content.RowCount)
        {
            throw new InvalidPageRequestException(content.RowCount == 0
                ? $"row: this table has no rows, so there is no row {row}."
                : $"row: {row} is not a row number; this table has rows 1 to {content.RowCount:N0}.");
        }
        ViewRequest.RequireColumn(column, content.Columns.Count);
        foreach (var reader in TableRecords.Of(content, row - 1, 1))
        {
            var cell = column - 1 < reader.FieldCount ? reader.GetSpan(column - 1) : [];
            return (content.TextEncoding is System.Text.UTF8Encoding ? cell.ToArray() : System.Text.Encoding.UTF8.GetBytes(content.TextEncoding.GetString(cell)), version);
        }
        return ([], version);
    }

    /// <summary>
    /// Refuses a page whose cell text is over the byte limit, before anything is sent. The sparse
    /// index bounds the page's bytes from above; only when that bound is over the limit are the
    /// records measured exactly (their fields' lengths as the page carries them, cut cells cut; no
    /// strings made).
    /// </summary>
    private static void ThrowIfTooManyBytes(PagePlan plan, int maxBytes)
    {
        // An upper bound first: the page's byte range, or for a view each row's index window (about
        // 16 records); only a page whose bound is over the limit is measured record by record.
        var bound = plan.ViewRows is null
            ? Length(TableRecords.ByteRange(plan.Content, plan.First, plan.Count))
            : plan.Records().Sum(record => Length(TableRecords.ByteRange(plan.Content, record, 1)));
        if (bound <= maxBytes)
        {
            return;
        }
        long bytes = 0;
        foreach (var reader in plan.ViewRows is null ? TableRecords.Of(plan.Content, plan.First, plan.Count) : plan.Records().SelectMany(r => TableRecords.Of(plan.Content, r, 1)))
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                bytes += Math.Min(reader.GetSpan(i).Length, plan.MaxCellBytes);
            }
            if (bytes > maxBytes)
            {
                throw new InvalidPageRequestException(
                    $"This page holds more than {Sizes.Describe(maxBytes)} of cell text, the most one page may carry. Ask for fewer rows per page.");
            }
        }
    }

    private static long Length((long Start, long End) range) => range.End - range.Start;
}
