using CsvHelper;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Tables.Ingest;

namespace TsvLive.Tables.Paging;

/// <summary>Reads one page of a table's current version, parsing only that page's records.</summary>
internal sealed class PageReader(TableStore store, IOptions<TsvLiveOptions> options)
{
    public TablePage Read(string? id, long? page, int? pageSize)
    {
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
        var table = store.Get(id);
        var version = table.Current;
        var content = version.Content();
        if ((long)size * content.Columns.Count > options.Value.MaxCellsPerPage)
        {
            throw new InvalidPageRequestException(
                $"This table has {content.Columns.Count:N0} columns, so a page can hold at most " +
                $"{Math.Max(1, options.Value.MaxCellsPerPage / content.Columns.Count):N0} rows. Ask for fewer rows per page.");
        }
        var total = content.RowCount;
        var totalPages = Math.Max(1, (total + size - 1) / size);
        var rows = number <= totalPages ? ReadRows(content, (number - 1) * size, (int)Math.Min(size, total - (number - 1) * size)) : [];
        return new TablePage(table.Id, version.Version, content.Complete, number, size, total, totalPages, content.Columns, rows);
    }

    internal static string[][] ReadRows(TableContent content, long first, int count)
    {
        if (count <= 0)
        {
            return [];
        }
        var (checkpoint, start) = content.Index.CheckpointAtOrBefore(first);
        var end = content.Index.TryCheckpointAtOrAfter(first + count, content.RowCount, out var after) ? after : content.TextLength;
        var reader = end - start <= int.MaxValue && content.Text.TryGetContiguous(start, (int)(end - start), out var memory)
            ? CsvReader.Create(memory, TsvFormat.Options(content.Dialect))
            : CsvReader.Create(content.Text.OpenRead(start, end), TsvFormat.Options(content.Dialect), leaveOpen: false);
        using (reader)
        {
            var width = content.Columns.Count;
            var encoding = content.TextEncoding;
            var rows = new string[count][];
            var skip = first - checkpoint;
            var n = 0;
            while (n < count && reader.Read())
            {
                if (skip > 0)
                {
                    skip--;
                    continue;
                }
                var row = new string[width];
                for (var i = 0; i < width; i++)
                {
                    row[i] = i < reader.FieldCount ? encoding.GetString(reader.GetSpan(i)) : "";
                }
                rows[n++] = row;
            }
            return n == count ? rows : rows[..n];
        }
    }
}
