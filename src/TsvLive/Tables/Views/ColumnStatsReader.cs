using TsvLive.Errors;
using TsvLive.Tables.Columns;
using TsvLive.Tables.Paging;

namespace TsvLive.Tables.Views;

/// <summary>
/// Computes a column's stats from one finished version: typed columns from their cached typed
/// values, text columns in one pass over the table. Distinct values are counted exactly up to
/// <see cref="ExactDistinct"/>; beyond that, estimated. Cached per version with the views.
/// </summary>
internal sealed class ColumnStatsReader(TableStore store, ViewEngine views, ViewCache cache)
{
    public const int ExactDistinct = 1_000_000;
    private const int TopCount = 10;
    private const int Bins = 20;

    public async Task<ColumnStats> ReadAsync(string? id, int column, CancellationToken cancellationToken)
    {
        var table = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var version = table.Current;
        var content = version.Content();
        if (column < 1 || column > content.Columns.Count)
        {
            throw new InvalidPageRequestException($"column: {column} is not a column number; this table has columns 1 to {content.Columns.Count}.");
        }
        if (!content.Complete)
        {
            throw new TableArrivingException();
        }
        return cache.GetOrAdd(table.Id, version.Version, $"stats:{column}", () => Compute(table.Id, version.Version, content, column - 1), _ => 4096);
    }

    private ColumnStats Compute(string tableId, int version, TableContent content, int column)
    {
        var type = content.ColumnTypes[column];
        var counts = new Dictionary<object, (long Count, long FirstRow)>();
        long empty = 0;
        long nonEmpty = 0;
        long nonEmptyAtCap = 0;
        long? minRow = null;
        long? maxRow = null;
        double? mean = null;
        IReadOnlyList<HistogramBin>? histogram = null;

        void Count(object key, long row)
        {
            nonEmpty++;
            if (counts.TryGetValue(key, out var seen))
            {
                counts[key] = (seen.Count + 1, seen.FirstRow);
            }
            else if (counts.Count < ExactDistinct)
            {
                counts[key] = (1, row);
                nonEmptyAtCap = nonEmpty;
            }
        }

        if (type == ColumnType.Text)
        {
            string? min = null;
            string? max = null;
            var encoding = content.TextEncoding;
            TableScan.ForEach(content, (row, reader) =>
            {
                var cell = TableScan.Cell(reader, column);
                if (cell.IsEmpty)
                {
                    empty++;
                    return;
                }
                var text = encoding.GetString(cell);
                var known = counts.ContainsKey(text);
                Count(text, row);
                if (!known)
                {
                    // Each distinct value is compared once, not each cell.
                    if (min is null || ColumnOrder.CompareText(text, min) < 0)
                    {
                        (min, minRow) = (text, row);
                    }
                    if (max is null || ColumnOrder.CompareText(text, max) > 0)
                    {
                        (max, maxRow) = (text, row);
                    }
                }
            });
        }
        else
        {
            var values = views.Keys(tableId, version, content, column).Values;
            double sum = 0;
            double low = double.PositiveInfinity;
            double high = double.NegativeInfinity;
            for (var row = 0; row < values.Length; row++)
            {
                var value = values[row];
                if (double.IsNaN(value))
                {
                    empty++;
                    continue;
                }
                Count(value, row);
                sum += value;
                if (value < low)
                {
                    (low, minRow) = (value, row);
                }
                if (value > high)
                {
                    (high, maxRow) = (value, row);
                }
            }
            if (type.IsNumeric() && nonEmpty > 0)
            {
                mean = sum / nonEmpty;
            }
            if (type is ColumnType.Integer or ColumnType.Number or ColumnType.Date && nonEmpty > 0)
            {
                histogram = Histogram(values, low, high, type);
            }
        }
        var estimate = counts.Count >= ExactDistinct && nonEmpty > nonEmptyAtCap;
        var distinct = estimate ? Math.Min(nonEmpty, (long)(counts.Count * ((double)nonEmpty / nonEmptyAtCap))) : counts.Count;
        var top = counts.OrderByDescending(c => c.Value.Count).ThenBy(c => c.Value.FirstRow).Take(TopCount)
            .Select(c => new TopValue(Cell(content, c.Value.FirstRow, column), c.Value.Count)).ToList();
        return new ColumnStats(column + 1, content.Columns[column], type.ToWire(), nonEmpty, empty, distinct, estimate,
            minRow is { } a ? Cell(content, a, column) : null, maxRow is { } b ? Cell(content, b, column) : null, mean, top, histogram);
    }

    private static List<HistogramBin> Histogram(double[] values, double low, double high, ColumnType type)
    {
        var bins = high > low ? Bins : 1;
        var width = (high - low) / bins;
        var counts = new long[bins];
        foreach (var value in values)
        {
            if (!double.IsNaN(value))
            {
                counts[width == 0 ? 0 : Math.Min(bins - 1, (int)((value - low) / width))]++;
            }
        }
        return [.. Enumerable.Range(0, bins).Select(i => new HistogramBin(
            ColumnKeys.Describe(low + (i * width), type), ColumnKeys.Describe(i == bins - 1 ? high : low + ((i + 1) * width), type), counts[i]))];
    }

    private static string Cell(TableContent content, long row, int column) =>
        PageReader.Rows(content, row, 1).First()[column];
}
