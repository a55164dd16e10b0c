using System.Globalization;
using TsvLive.Tables.Columns;

namespace TsvLive.Tables.Views;

/// <summary>
/// The typed values of one column of one version, a double per row (NaN where the cell is empty;
/// numbers as numbers, dates as UTC ticks, booleans as 0/1), parsed once and reused by every sort,
/// filter and stat of the column. Text columns have none: their cells are read from the table's
/// bytes when needed.
/// </summary>
internal sealed class ColumnKeys(double[] values)
{
    public double[] Values => values;

    public long SizeBytes => values.Length * sizeof(double);

    public static ColumnKeys Read(TableContent content, int column, CancellationToken cancellationToken)
    {
        var type = content.ColumnTypes[column];
        var values = new double[content.RowCount];
        TableScan.ForEachInParallel(content, (row, reader) =>
            values[row] = TypedValue.TryParse(TableScan.Cell(reader, column), type, out var value) ? value : double.NaN, cancellationToken);
        return new ColumnKeys(values);
    }

    /// <summary>A typed value as cell text again (for stats' histogram bounds).</summary>
    public static object Describe(double value, ColumnType type) => type == ColumnType.Date
        ? new DateTime((long)value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
        : value;
}
