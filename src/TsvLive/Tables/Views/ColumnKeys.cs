using System.Globalization;
using TsvLive.Tables.Columns;

namespace TsvLive.Tables.Views;

/// <summary>
/// The typed values of one column of one version, a double per row (NaN where the cell is empty;
/// numbers as numbers, dates as UTC ticks, booleans as 0/1), parsed once and reused by every sort,
/// filter and stat of the column. Text columns have none: their cells are read from the table's
/// bytes when needed.
/// </summary>
internal sealed class ColumnKeys(double[] values, ColumnType type)
{
    public double[] Values => values;

    /// <summary>The type the cells were read as.</summary>
    public ColumnType Type => type;

    public long SizeBytes => values.Length * sizeof(double);

    public static ColumnKeys Read(TableContent content, int column, CancellationToken cancellationToken)
    {
        var type = content.ColumnTypes[column];
        var values = new double[content.RowCount];
        TableScan.ForEachInParallel(content, (row, reader) =>
            values[row] = TypedValue.TryParse(TableScan.Cell(reader, column), type, out var value) ? value : double.NaN, cancellationToken);
        return new ColumnKeys(values, type);
    }

    /// <summary>
    /// These keys, of the first rows of a version that grew since, with the rows appended after them read
    /// from <paramref name="content"/> (only those); null when the column's type changed meanwhile (every
    /// cell is read again then).
    /// </summary>
    public ColumnKeys? Extended(TableContent content, int column, CancellationToken cancellationToken)
    {
        if (content.ColumnTypes[column] != type || content.RowCount < values.Length)
        {
            return null;
        }
        var grown = new double[content.RowCount];
        values.CopyTo(grown, 0);
        var row = values.Length;
        foreach (var reader in TableRecords.Of(content, values.Length, (int)(content.RowCount - values.Length)))
        {
            if (row % 4096 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            grown[row++] = TypedValue.TryParse(TableScan.Cell(reader, column), type, out var value) ? value : double.NaN;
        }
        return new ColumnKeys(grown, type);
    }

    /// <summary>A typed value as cell text again (for stats' histogram bounds).</summary>
    public static object Describe(double value, ColumnType type) => type == ColumnType.Date
        ? new DateTime((long)value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
        : value;
}
