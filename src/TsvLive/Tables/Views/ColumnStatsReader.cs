using System.Globalization;
using TsvLive.Errors;
using TsvLive.Tables.Columns;
using TsvLive.Tables.Memory;
using TsvLive.Tables.Registry;

namespace TsvLive.Tables.Views;

/// <summary>
/// Computes a column's stats from one finished version: typed columns from their cached typed
/// values, text columns in one pass over the table. Distinct values are counted exactly up to
/// <see cref="ExactDistinct"/>; beyond that, estimated. Cached per version with the views.
/// </summary>
internal sealed class ColumnStatsReader(TableStore store, ViewEngine views, ViewBasis basis, ViewCache cache, ViewWorkQueue work, MemoryBudget budget)
{
    public const int ExactDistinct = 1_000_000;

    /// <summary>Distinct values always counted exactly (the contract's floor), even when the memory budget is tight.</summary>
    public const int AlwaysExact = 100_000;
    private const int TopCount = 10;
    private const int Bins = 20;

    /// <param name="client">Who asks (<see cref="Limits.ClientAddress.ClientKey"/>): stats to compute wait their turn among the clients (<see cref="ViewWorkQueue"/>).</param>
    public async Task<ColumnStats> ReadAsync(string? id, int column, string client, CancellationToken cancellationToken)
    {
        var table = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var version = table.Current;
        var content = basis.For(table, version);
        ViewRequest.RequireColumn(column, content.Columns.Count);
        if (!content.Complete)
        {
            throw TableArrivingException.ForViews();
        }
        var key = ViewEngine.CacheKey($"stats:{column}", content);
        using var turn = cache.Holds(table.Id, version.Version, key) ? null : await work.EnterAsync(client, cancellationToken).ConfigureAwait(false);
        return cache.GetOrAdd(
            table.Id, version.Version, key, () => Compute(table.Id, version.Version, content, column - 1, cancellationToken), _ => 4096, cancellationToken);
    }

    private ColumnStats Compute(string tableId, int version, TableContent content, int column, CancellationToken cancellationToken)
    {
        var type = content.ColumnTypes[column];
        // The distinct values counted while this runs are charged to the budget, and beyond the contract's
        // floor counted only while it has room (then estimated): a column of a million long texts does
        // not take the server's memory outside the budget.
        using var memory = new WorkingMemory(budget);
        var tally = type == ColumnType.Text
            ? TallyText(content, column, memory, cancellationToken)
            : TallyTyped(views.Keys(tableId, version, content, column, cancellationToken).Values, type, memory);
        var top = tally.Top.Select(t => new TopValue(Cell(content, t.FirstRow, column), t.Count)).ToList();
        return new ColumnStats(column + 1, content.Columns[column], type.ToWire(), tally.NonEmpty, tally.Empty, tally.Distinct, tally.DistinctIsEstimate,
            tally.MinRow is { } low ? Cell(content, low, column) : null, tally.MaxRow is { } high ? Cell(content, high, column) : null,
            tally.Mean, top, tally.Histogram);
    }

    /// <summary>What one pass over a column finds.</summary>
    private sealed record Tally(long NonEmpty, long Empty, long Distinct, bool DistinctIsEstimate, long? MinRow, long? MaxRow,
        IReadOnlyList<(long Count, long FirstRow)> Top, double? Mean = null, IReadOnlyList<HistogramBin>? Histogram = null);

    /// <summary>
    /// Counts per distinct value (exactly up to <see cref="ExactDistinct"/>, or fewer when the working
    /// memory runs out past <see cref="AlwaysExact"/>; then only the values already seen), and the top ones.
    /// </summary>
    private sealed class Counter<TKey>(WorkingMemory memory, Func<TKey, long> bytesOf, IEqualityComparer<TKey>? comparer = null) where TKey : notnull
    {
        private bool _full;

        public Dictionary<TKey, (long Count, long FirstRow)> Counts { get; } = new(comparer);

        public long NonEmpty { get; private set; }

        private long _nonEmptyAtCap;

        /// <summary>Counts a value whose own count the caller raised.</summary>
        public void Seen() => NonEmpty++;

        /// <summary>Counts a value; whether it was new.</summary>
        public bool Add(TKey key, long row)
        {
            NonEmpty++;
            ref var seen = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(Counts, key);
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref seen))
            {
                seen.Count++;
                return false;
            }
            if (!_full && Counts.Count < ExactDistinct && (memory.TryUse(bytesOf(key)) || Counts.Count < AlwaysExact))
            {
                Counts[key] = (1, row);
                _nonEmptyAtCap = NonEmpty;
            }
            else
            {
                _full = true;
            }
            return true;
        }

        public (long Distinct, bool Estimate) Distinct()
        {
            var estimate = _full && NonEmpty > _nonEmptyAtCap;
            return (estimate ? Math.Min(NonEmpty, (long)(Counts.Count * ((double)NonEmpty / _nonEmptyAtCap))) : Counts.Count, estimate);
        }

        public List<(long Count, long FirstRow)> Top() =>
            [.. Counts.Values.OrderByDescending(c => c.Count).ThenBy(c => c.FirstRow).Take(TopCount)];
    }

    private static Tally TallyText(TableContent content, int column, WorkingMemory memory, CancellationToken cancellationToken)
    {
        var counter = new Counter<string>(memory, text => 64 + (2L * text.Length), StringComparer.Ordinal);
        var lookup = counter.Counts.GetAlternateLookup<ReadOnlySpan<char>>();
        string? min = null;
        string? max = null;
        long? minRow = null;
        long? maxRow = null;
        long empty = 0;
        var encoding = content.TextEncoding;
        var chars = new char[256];
        TableScan.ForEach(content, (row, reader) =>
        {
            var cell = TableScan.Cell(reader, column);
            if (cell.IsEmpty)
            {
                empty++;
                return;
            }
            if (encoding.GetMaxCharCount(cell.Length) > chars.Length)
            {
                chars = new char[encoding.GetMaxCharCount(cell.Length)];
            }
            var text = chars.AsSpan(0, encoding.GetChars(cell, chars));
            if (lookup.TryGetValue(text, out var seen))
            {
                lookup[text] = (seen.Count + 1, seen.FirstRow);
                counter.Seen();
                return;
            }
            var value = text.ToString();
            counter.Add(value, row);
            // Each distinct value is compared once, not each cell.
            if (min is null || ColumnOrder.CompareText(value, min) < 0)
            {
                (min, minRow) = (value, row);
            }
            if (max is null || ColumnOrder.CompareText(value, max) > 0)
            {
                (max, maxRow) = (value, row);
            }
        }, cancellationToken);
        var (distinct, estimate) = counter.Distinct();
        return new Tally(counter.NonEmpty, empty, distinct, estimate, minRow, maxRow, counter.Top());
    }

    private static Tally TallyTyped(double[] values, ColumnType type, WorkingMemory memory)
    {
        var counter = new Counter<double>(memory, _ => 32);
        long empty = 0;
        long? minRow = null;
        long? maxRow = null;
        double sum = 0;
        var low = double.PositiveInfinity;
        var high = double.NegativeInfinity;
        for (var row = 0; row < values.Length; row++)
        {
            var value = values[row];
            if (double.IsNaN(value))
            {
                empty++;
                continue;
            }
            counter.Add(value + 0.0, row);
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
        var (distinct, estimate) = counter.Distinct();
        var any = counter.NonEmpty > 0;
        return new Tally(counter.NonEmpty, empty, distinct, estimate, minRow, maxRow, counter.Top(),
            type.IsNumeric() && any ? sum / counter.NonEmpty : null,
            type is ColumnType.Integer or ColumnType.Number or ColumnType.Date && any ? Histogram(values, low, high, type) : null);
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
            Bound(low + (i * width), type), Bound(i == bins - 1 ? high : low + ((i + 1) * width), type), counts[i]))];
    }

    /// <summary>
    /// A bin's bound as shown: a number to 12 significant digits, so that 0.05 + 19 × 0.5075 reads
    /// 9.6925, not 9.692499999999999 (the counting above uses the exact width).
    /// </summary>
    private static object Bound(double value, ColumnType type) => type == ColumnType.Date
        ? ColumnKeys.Describe(value, type)
        : double.Parse(value.ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Cell(TableContent content, long row, int column) =>
        TableRecords.Rows(content, row, 1).First()[column];
}
