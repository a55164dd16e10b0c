using CsvHelper;
using TsvLive.Tables.Text;

namespace TsvLive.Tables.Views;

/// <summary>
/// Reads every data record of a finished version once, in file order (the header is skipped). Stops
/// with <see cref="OperationCanceledException"/> soon after the token is cancelled (a viewer who left,
/// or whose view was superseded, stops paying for it).
/// </summary>
internal static class TableScan
{
    private const int RowsBetweenChecks = 4096;

    /// <param name="visit">Called with each record's 0-based number and the reader on it.</param>
    public static void ForEach(TableContent content, Action<int, CsvReader> visit, CancellationToken cancellationToken)
    {
        using var text = content.Text.OpenRead(0, content.TextLength);
        using var reader = CsvReader.Create(text, TsvFormat.Options(content.Dialect) with { BufferSize = 1 << 20 });
        if (!reader.Read())
        {
            return; // not even a header
        }
        for (var row = 0; row < content.RowCount && reader.Read(); row++)
        {
            if (row % RowsBetweenChecks == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            visit(row, reader);
        }
    }

    /// <summary>The cell of <paramref name="column"/> in the record the reader is on (empty when the record is shorter).</summary>
    public static ReadOnlySpan<byte> Cell(CsvReader reader, int column) => column < reader.FieldCount ? reader.GetSpan(column) : [];
}
