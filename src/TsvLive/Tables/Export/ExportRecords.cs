using System.Buffers;
using CsvHelper;
using TsvLive.Tables.Text;
using TsvLive.Tables.Views;

namespace TsvLive.Tables.Export;

/// <summary>
/// The records of a version in the order an export writes them, one at a time, each parsed from the
/// stored text as it is taken: nothing of the output is held. Without a view, one reader runs through
/// the file. With one, every record's exact start is found first (one pass over the file on every
/// core, 4 bytes a record), then the view's records are copied in its order, a batch at a time, and read.
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

    /// <summary>
    /// The view's records in its order: their bytes copied one after the other into a buffer of about
    /// <see cref="BatchBytes"/> (each record whole, with its line end), which one reader then reads:
    /// a reader per buffer, not per record.
    /// </summary>
    private static IEnumerable<CsvReader> InViewOrder(TableContent content, int[] rows, CancellationToken cancellationToken)
    {
        var starts = RecordStarts(content, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(BatchBytes);
        try
        {
            var next = 0;
            while (next < rows.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var used = 0;
                var batchStart = next;
                while (next < rows.Length)
                {
                    var record = rows[next];
                    var start = Start(content, starts, record);
                    var length = (int)((record + 1 < content.RowCount ? Start(content, starts, record + 1) : content.TextLength) - start);
                    if (used + length + 1 > buffer.Length)
                    {
                        if (next > batchStart)
                        {
                            break; // this batch is full: the record starts the next one
                        }
                        // One record larger than a batch: a buffer of its own size.
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(length + 1);
                    }
                    content.Text.CopyTo(start, buffer.AsSpan(used, length));
                    used += length;
                    if (length == 0 || buffer[used - 1] is not ((byte)'\n' or (byte)'\r'))
                    {
                        buffer[used++] = (byte)'\n'; // the last record of a file without a final line end
                    }
                    next++;
                }
                using var reader = CsvReader.Create(buffer.AsMemory(0, used), content.ReaderOptions);
                for (var i = batchStart; i < next && reader.Read(); i++)
                {
                    yield return reader;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private const int BatchBytes = 1 << 20;

    /// <summary>
    /// Each record's start as its distance from the index checkpoint before it (records between
    /// checkpoints are close), read on every core: each part of the scan starts on a checkpoint, so a
    /// record's checkpoint was read before it by the same reader.
    /// </summary>
    private static int[] RecordStarts(TableContent content, CancellationToken cancellationToken)
    {
        var starts = new int[content.RowCount];
        var checkpoints = new long[(content.RowCount + RecordIndex.Stride - 1) / RecordIndex.Stride];
        TableScan.ForEachInParallel(content, (record, reader) =>
        {
            if (record % RecordIndex.Stride == 0)
            {
                checkpoints[record / RecordIndex.Stride] = reader.ByteOffset;
            }
            starts[record] = (int)(reader.ByteOffset - checkpoints[record / RecordIndex.Stride]);
        }, cancellationToken);
        return starts;
    }

    private static long Start(TableContent content, int[] starts, int record) => content.Index.CheckpointAtOrBefore(record).Offset + starts[record];
}
