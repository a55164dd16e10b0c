using System.Collections.Concurrent;
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
        using var reader = CsvReader.Create(text, content.ReaderOptions with { BufferSize = 1 << 20 });
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
    /// <remarks>
    /// The calling thread reads the first part and the scans' own threads (<see cref="ScanThreads"/>)
    /// the others: not the thread pool's, which a scan on every core would take whole, so that pages,
    /// hub calls and the cancel of this very scan would wait for the pool to grow.
    /// </remarks>
    internal static void ForEachInParts(TableContent content, int parts, Action<int, CsvReader> visit, CancellationToken cancellationToken)
    {
        var rows = content.RowCount;
        // Each part starts on a checkpoint, so its reader starts exactly on its first record.
        var starts = Enumerable.Range(0, parts + 1)
            .Select(part => part == parts ? rows : rows * part / parts / RecordIndex.Stride * RecordIndex.Stride)
            .ToArray();
        var failures = new Exception?[parts];
        using (var others = new CountdownEvent(parts - 1))
        {
            for (var part = 1; part < parts; part++)
            {
                var mine = part;
                ScanThreads.Run(() =>
                {
                    failures[mine] = ReadPart(mine);
                    others.Signal();
                });
            }
            failures[0] = ReadPart(0);
            others.Wait(CancellationToken.None);
        }
        // One part's failure (or cancellation) is the scan's, as if it had read alone.
        if ((failures.FirstOrDefault(f => f is not null and not OperationCanceledException) ?? failures.FirstOrDefault(f => f is not null)) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        Exception? ReadPart(int part)
        {
            try
            {
                var (first, last) = (starts[part], starts[part + 1]);
                if (first == last)
                {
                    return null; // more parts than checkpoints
                }
                var from = content.Index.CheckpointAtOrBefore(first).Offset;
                var to = last < rows && content.Index.TryCheckpointAtOrAfter(last, rows, out var next) ? next : content.TextLength;
                using var text = content.Text.OpenRead(from, to);
                using var reader = CsvReader.Create(text, content.ReaderOptions with { BufferSize = 1 << 20 });
                Visit(reader, first, last, visit, cancellationToken);
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
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

    /// <summary>Threads of the scans' own, one per core, kept for the next scan (outside the thread pool).</summary>
    private static class ScanThreads
    {
        private static readonly BlockingCollection<Action> s_parts = Start();

        public static void Run(Action part) => s_parts.Add(part);

        private static BlockingCollection<Action> Start()
        {
            var parts = new BlockingCollection<Action>();
            for (var i = 0; i < Environment.ProcessorCount; i++)
            {
                new Thread(() =>
                {
                    foreach (var part in parts.GetConsumingEnumerable())
                    {
                        part();
                    }
                })
                { IsBackground = true, Name = "TsvLive view scan" }.Start();
            }
            return parts;
        }
    }
}
