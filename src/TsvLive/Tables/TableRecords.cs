using System.Buffers;
using System.Text;
using CsvHelper;
using TsvLive.Tables.Text;

namespace TsvLive.Tables;

/// <summary>
/// Reads records of a version's text by number through its sparse index, parsing only those: for
/// pages, finding, ordering and stats alike.
/// </summary>
internal static class TableRecords
{
    /// <summary>
    /// The rows first .. first + count − 1 as strings, each as wide as the table, one at a time; with
    /// <paramref name="cuts"/>, each cell is decoded by it (a page's cuts cells longer than it carries).
    /// </summary>
    public static IEnumerable<string[]> Rows(TableContent content, long first, int count, ICellDecoder? cuts = null)
    {
        var width = content.Columns.Count;
        var encoding = content.TextEncoding;
        foreach (var reader in Of(content, first, count))
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
    public static IEnumerable<string[]> RowsAt(TableContent content, IEnumerable<long> records, ICellDecoder? cuts = null) =>
        records.SelectMany(record => Rows(content, record, 1, cuts));

    /// <summary>
    /// The reader positioned on each of the records first .. first + count − 1 in turn. Parsed in place
    /// when the page's bytes lie in one segment; otherwise index window by index window (16 records),
    /// each in place or copied alone, so a page never needs a buffer of its own size.
    /// </summary>
    public static IEnumerable<CsvReader> Of(TableContent content, long first, int count)
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
        using var reader = CsvReader.Create(text, content.ReaderOptions);
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
    public static (long Start, long End) ByteRange(TableContent content, long first, int count)
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

/// <summary>Decodes each cell of the rows read (a page's decoder cuts cells longer than a page carries).</summary>
internal interface ICellDecoder
{
    string Decode(ReadOnlySpan<byte> cell, Encoding encoding, int column);

    /// <summary>The row read is complete.</summary>
    void EndRow();
}
