using System.Runtime.ExceptionServices;
using CsvHelper;
using TsvLive.Tables.Text;

namespace TsvLive.Tables.Views;

/// <summary>
/// Reads every data record of a finished version once (the header is skipped): in file order, or in
/// parts on every core at once for a visit that only touches its own row's slots. Stops with
/// <see cref="OperationCanceledException"/> soon after the token is cancelled (a viewer who left, or
/// whose view was superseded, stops paying for it).
/// </summary>
internal static class TableScan
{
    private const int RowsBetweenChecks = 4096;

    /// <summary>Below this many rows a part, one reader is faster than starting others.</summary>
    private const long MinRowsPerPart = 64 * 1024;

    /// <param name="visit">Called with each record's 0-based number and the reader on it, in file order.</param>
    public static void ForEach(TableContent content, Action<int, CsvReader> visit, CancellationToken cancellationToken)
    {
        using var text = content.Text.OpenRead(0, content.TextLength);
        using var reader = CsvReader.Create(text, TsvFormat.Options(content.Dialect) with { BufferSize = 1 << 20 });
        if (!reader.Read())
        {
            return; // not even a header
        }
        Visit(reader, 0, content.RowCount, visit, cancellationToken);
    }

    /// <summary>
    /// Like <see cref="ForEach"/>, but the records are read in contiguous parts (split at the index's
    /// checkpoints), one per core, at the same time: <paramref name="visit"/> may only write what
    /// belongs to its row (a slot of an array), never state shared by rows.
    /// </summary>
    public static void ForEachInParallel(TableContent content, Action<int, CsvReader> visit, CancellationToken cancellationToken)
    {
        var parts = (int)Math.Clamp(content.RowCount / MinRowsPerPart, 1, Environment.ProcessorCount);
        if (parts == 1)
        {
            ForEach(content, visit, cancellationToken);
            return;
        }
        ForEachInParts(content, parts, visit, cancellationToken);
    }

    /// <summary><see cref="ForEachInParallel"/> in exactly <paramref name="parts"/> parts (the tests choose how many).</summary>
    internal static void ForEachInParts(TableContent content, int parts, Action<int, CsvReader> visit, CancellationToken cancellationToken)
    {
        var rows = content.RowCount;
        // Each part starts on a checkpoint, so its reader starts exactly on its first record.
        var starts = Enumerable.Range(0, parts + 1)
            .Select(part => part == parts ? rows : rows * part / parts / RecordIndex.Stride * RecordIndex.Stride)
            .ToArray();
        try
        {
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts, CancellationToken = cancellationToken }, part =>
            {
                var (first, last) = (starts[part], starts[part + 1]);
                if (first == last)
                {
                    return; // more parts than checkpoints
                }
                var from = content.Index.CheckpointAtOrBefore(first).Offset;
                var to = last < rows && content.Index.TryCheckpointAtOrAfter(last, rows, out var next) ? next : content.TextLength;
                using var text = content.Text.OpenRead(from, to);
                using var reader = CsvReader.Create(text, TsvFormat.Options(content.Dialect) with { BufferSize = 1 << 20 });
                Visit(reader, first, last, visit, cancellationToken);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // One part's failure (or cancellation) is the scan's, as if it had read alone.
            ExceptionDispatchInfo.Throw(e.InnerExceptions.FirstOrDefault(inner => inner is not OperationCanceledException) ?? e.InnerExceptions[0]);
        }
    }

    private static void Visit(CsvReader reader, long first, long last, Action<int, CsvReader> visit, CancellationToken cancellationToken)
    {
        for (var row = first; row < last && reader.Read(); row++)
        {
            if (row % RowsBetweenChecks == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            visit((int)row, reader);
        }
    }

    /// <summary>The cell of <paramref name="column"/> in the record the reader is on (empty when the record is shorter).</summary>
    public static ReadOnlySpan<byte> Cell(CsvReader reader, int column) => column < reader.FieldCount ? reader.GetSpan(column) : [];
}
