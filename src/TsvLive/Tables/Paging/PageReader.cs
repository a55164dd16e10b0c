using System.Buffers;
using CsvHelper;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Operations;
using TsvLive.Tables.Ingest;
using TsvLive.Tables.Registry;
using TsvLive.Tables.Storage;
using TsvLive.Tables.Views;

namespace TsvLive.Tables.Paging;

/// <summary>
/// Reads one page of a table's current version, parsing only that page's records. A page is
/// checked against the limits (rows, cells, bytes) before any of it is built, and its rows can be
/// taken one at a time (<see cref="PagePlan.Rows"/>), so an HTTP answer never holds a whole page.
/// </summary>
internal sealed class PageReader(TableStore store, ViewEngine views, ViewWorkQueue work, TsvLiveMetrics metrics, IOptions<TsvLiveOptions> options)
{
    /// <summary>The whole page, for the hub (whose answers are bounded by <see cref="TsvLiveOptions.MaxPageBytes"/>).</summary>
    /// <param name="client">Who asks (<see cref="Limits.ClientAddress.ClientKey"/>): a view to compute waits its turn among the clients (<see cref="ViewWorkQueue"/>).</param>
    public async Task<TablePage> ReadAsync(string? id, RowsRequest request, string client, CancellationToken cancellationToken) =>
        (await PlanAsync(id, request, client, cancellationToken).ConfigureAwait(false)).ToPage();

    /// <summary>
    /// Which rows a page holds, checked against every limit; nothing is read yet. With a view (sort,
    /// filter, find), its rows are computed first, or taken from the cache.
    /// </summary>
    public async Task<PagePlan> PlanAsync(string? id, RowsRequest request, string client, CancellationToken cancellationToken)
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
        var table = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var version = table.Current;
        var content = version.Content();
        if ((long)size * content.Columns.Count > options.Value.MaxCellsPerPage)
        {
            throw new InvalidPageRequestException(
                $"This table has {content.Columns.Count:N0} columns, so a page can hold at most " +
                $"{Math.Max(1, options.Value.MaxCellsPerPage / content.Columns.Count):N0} rows. Ask for fewer rows per page.");
        }
        var view = ViewRequest.Parse(request.Sort, request.Filter, request.Q, content.ColumnTypes);
        int[]? rows;
        try
        {
            using var turn = views.NeedsComputing(table.Id, version.Version, view) ? await work.EnterAsync(client, cancellationToken).ConfigureAwait(false) : null;
            rows = views.Rows(table.Id, version.Version, content, view, client, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            metrics.ViewCancelled();
            throw;
        }
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
        foreach (var reader in Records(content, row - 1, 1))
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
            ? Length(ByteRange(plan.Content, plan.First, plan.Count))
            : plan.Records().Sum(record => Length(ByteRange(plan.Content, record, 1)));
        if (bound <= maxBytes)
        {
            return;
        }
        long bytes = 0;
        foreach (var reader in plan.ViewRows is null ? Records(plan.Content, plan.First, plan.Count) : plan.Records().SelectMany(r => Records(plan.Content, r, 1)))
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

    /// <summary>
    /// The rows first .. first + count − 1 as strings, each as wide as the table, one at a time; with
    /// <paramref name="cuts"/>, cells longer than a page carries are cut (and the cuts noted there).
    /// </summary>
    internal static IEnumerable<string[]> Rows(TableContent content, long first, int count, CellCuts? cuts = null)
    {
        var width = content.Columns.Count;
        var encoding = content.TextEncoding;
        foreach (var reader in Records(content, first, count))
        {
            var row = new string[width];
            for (var i = 0; i < width; i++)
            {
                row[i] = i >= reader.FieldCount ? "" : cuts is null ? encoding.GetString(reader.GetSpan(i)) : cuts.Decode(reader.GetSpan(i), encoding, i);
            }
            cuts?.EndRow();
            yield return row;
        }
    }

    /// <summary>The given records (0-based, in any order) as strings, each as wide as the table.</summary>
    internal static IEnumerable<string[]> RowsAt(TableContent content, IEnumerable<long> records, CellCuts? cuts = null) =>
        records.SelectMany(record => Rows(content, record, 1, cuts));

    /// <summary>
    /// The reader positioned on each of the records first .. first + count − 1 in turn. Parsed in place
    /// when the page's bytes lie in one segment; otherwise index window by index window (16 records),
    /// each in place or copied alone, so a page never needs a buffer of its own size.
    /// </summary>
    internal static IEnumerable<CsvReader> Records(TableContent content, long first, int count)
    {
        if (count <= 0)
        {
            yield break;
        }
        var (start, end) = ByteRange(content, first, count);
        if (end - start <= int.MaxValue && content.Text.TryGetContiguous(start, (int)(end - start), out var whole))
        {
            foreach (var reader in Records(content, whole, content.Index.CheckpointAtOrBefore(first).Record, first, count))
            {
                yield return reader;
            }
            yield break;
        }
        var record = first;
        var last = first + count;
        while (record < last)
        {
            var (checkpoint, windowStart) = content.Index.CheckpointAtOrBefore(record);
            var windowEnd = content.Index.TryCheckpointAtOrAfter(checkpoint + RecordIndex.Stride, content.RowCount, out var next) ? next : content.TextLength;
            var length = (int)(windowEnd - windowStart);
            var rented = content.Text.TryGetContiguous(windowStart, length, out var window) ? null : ArrayPool<byte>.Shared.Rent(length);
            try
            {
                if (rented is not null)
                {
                    content.Text.CopyTo(windowStart, rented.AsSpan(0, length));
                    window = rented.AsMemory(0, length);
                }
                var inWindow = (int)Math.Min(last - record, checkpoint + RecordIndex.Stride - record);
                foreach (var reader in Records(content, window, checkpoint, record, inWindow))
                {
                    yield return reader;
                }
                record += inWindow;
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
    }

    /// <summary>The records first .. first + count − 1 of <paramref name="text"/>, which starts at record <paramref name="textStartsAt"/>.</summary>
    private static IEnumerable<CsvReader> Records(TableContent content, ReadOnlyMemory<byte> text, long textStartsAt, long first, int count)
    {
        using var reader = CsvReader.Create(text, TsvFormat.Options(content.Dialect));
        var skip = first - textStartsAt;
        var n = 0;
        while (n < count && reader.Read())
        {
            if (skip > 0)
            {
                skip--;
                continue;
            }
            n++;
            yield return reader;
        }
    }

    /// <summary>Bytes of the text from the checkpoint at or before the first record to the one at or after the last (or the end).</summary>
    private static (long Start, long End) ByteRange(TableContent content, long first, int count)
    {
        if (count <= 0)
        {
            return (0, 0);
        }
        var start = content.Index.CheckpointAtOrBefore(first).Offset;
        var end = content.Index.TryCheckpointAtOrAfter(first + count, content.RowCount, out var after) ? after : content.TextLength;
        return (start, end);
    }
}
