using System.Buffers;
using CsvHelper;
using TsvLive.Tables.Views;

namespace TsvLive.Tables.Export;

/// <summary>
/// The records of a version in the order an export writes them, one at a time, each parsed from the
/// stored text as it is taken: nothing of the output is held. Without a view, one reader runs through
/// the file. With one, every record's exact start is found first (one pass over the file, 4 bytes a
/// record), then each record of the view is parsed alone from its bytes, in the view's order.
/// </summary>
internal static class ExportRecords
{
    /// <param name="rows">The view's rows (0-based record numbers, in order); null: every record in file order.</param>
    public static IEnumerable<CsvReader> Of(TableContent content, int[]? rows, CancellationToken cancellationToken) =>
        rows is null ? InFileOrder(content, cancellationToken) : InViewOrder(content, rows, cancellationToken);

    private static IEnumerable<CsvReader> InFileOrder(TableContent content, CancellationToken cancellationToken)
    {
        if (content.RowCount == 0)
        {
            yield break;
        }
        var start = content.Index.CheckpointAtOrBefore(0).Offset;
        using var text = content.Text.OpenRead(start, content.TextLength);
        using var reader = CsvReader.Create(text, content.ReaderOptions with { BufferSize = 1 << 20 });
        for (long record = 0; record < content.RowCount && reader.Read(); record++)
        {
            if ((record & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            yield return reader;
        }
    }

    private static IEnumerable<CsvReader> InViewOrder(TableContent content, int[] rows, CancellationToken cancellationToken)
    {
        var starts = RecordStarts(content, cancellationToken);
        byte[]? rented = null;
        try
        {
            for (var i = 0; i < rows.Length; i++)
            {
                if ((i & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
                var record = rows[i];
                var start = Start(content, starts, record);
                var end = record + 1 < content.RowCount ? Start(content, starts, record + 1) : content.TextLength;
                var length = (int)(end - start);
                if (!content.Text.TryGetContiguous(start, length, out var bytes))
                {
                    if (rented is null || rented.Length < length)
                    {
                        if (rented is not null)
                        {
                            ArrayPool<byte>.Shared.Return(rented);
                        }
                        rented = ArrayPool<byte>.Shared.Rent(length);
                    }
                    content.Text.CopyTo(start, rented.AsSpan(0, length));
                    bytes = rented.AsMemory(0, length);
                }
                using var reader = CsvReader.Create(bytes, content.ReaderOptions);
                if (reader.Read())
                {
                    yield return reader;
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Each record's start as its distance from the index checkpoint before it (records between checkpoints are close).</summary>
    private static int[] RecordStarts(TableContent content, CancellationToken cancellationToken)
    {
        var starts = new int[content.RowCount];
        TableScan.ForEach(content, (record, reader) =>
            starts[record] = (int)(reader.ByteOffset - content.Index.CheckpointAtOrBefore(record).Offset), cancellationToken);
        return starts;
    }

    private static long Start(TableContent content, int[] starts, int record) => content.Index.CheckpointAtOrBefore(record).Offset + starts[record];
}
