using System.Text;
using TsvLive.Errors;
using TsvLive.Tables.Columns;
using TsvLive.Tables.Memory;

namespace TsvLive.Tables.Views;

/// <summary>
/// The rows of a view of one finished version, in view order, as 0-based record numbers: filtered
/// (every filter holds, and the text to find is in some cell) and sorted (by each key in turn, empty
/// cells last, ties in file order). A column's typed values and order, and a view's rows, are cached
/// per version (<see cref="ViewCache"/>), so paging a computed view is a lookup. A computation stops
/// when its asker's token is cancelled (the viewer left, or asked for another view meanwhile). A
/// version that grows (rows appended) is viewed through snapshots (<see cref="ViewBasis"/>): every
/// cache entry names the row count it was computed over, so no entry is used with another.
/// </summary>
internal sealed class ViewEngine(ViewCache cache)
{
    /// <summary>The view's rows, or null when it is the table itself (no filter, find or sort).</summary>
    /// <param name="client">The asker's address key: a view's rows are charged to its share of the cache.</param>
    public int[]? Rows(string tableId, int version, TableContent content, ViewRequest view, string? client, CancellationToken cancellationToken)
    {
        if (view.IsEmpty)
        {
            return null;
        }
        if (!content.Complete)
        {
            throw TableArrivingException.ForViews();
        }
        int[]? selected = view.Selects
            ? cache.GetOrAdd(
                tableId, version, CacheKey(view.SelectionKey, content), () => Select(tableId, version, content, view, cancellationToken), rows => rows.Length * sizeof(int), cancellationToken, client)
            : null;
        if (view.Sort.Count == 0)
        {
            return selected;
        }
        return cache.GetOrAdd(
            tableId, version, CacheKey(view.Key, content), () => Sort(tableId, version, content, view.Sort, selected, cancellationToken), rows => rows.Length * sizeof(int), cancellationToken, client);
    }

    /// <summary>Whether the view's rows would have to be computed (not the table itself, nor cached).</summary>
    public bool NeedsComputing(string tableId, int version, TableContent content, ViewRequest view) =>
        !view.IsEmpty && !cache.Holds(tableId, version, CacheKey(view.Sort.Count == 0 ? view.SelectionKey : view.Key, content));

    /// <summary>A cache entry's key for what is computed over <paramref name="content"/>'s rows.</summary>
    public static string CacheKey(string key, TableContent content) => $"{key}@{content.RowCount}";

    /// <summary>
    /// A column's typed values: cached; for a version that grew, the values of an earlier snapshot
    /// with the appended rows' added (read alone), which then take the earlier one's place.
    /// </summary>
    public ColumnKeys Keys(string tableId, int version, TableContent content, int column, CancellationToken cancellationToken)
    {
        var prefix = $"keys:{column}@";
        return cache.GetOrAdd(tableId, version, prefix + content.RowCount, () =>
        {
            if (cache.Earlier<ColumnKeys>(tableId, version, prefix, content.RowCount, out var rows) is { } earlier
                && earlier.Extended(content, column, cancellationToken) is { } extended)
            {
                cache.Drop(tableId, prefix + rows);
                return extended;
            }
            return ColumnKeys.Read(content, column, cancellationToken);
        }, k => k.SizeBytes, cancellationToken);
    }

    private ColumnOrder Order(string tableId, int version, TableContent content, int column, CancellationToken cancellationToken) =>
        cache.GetOrAdd(tableId, version, CacheKey($"order:{column}", content),
            () => content.ColumnTypes[column] == ColumnType.Text
                ? ColumnOrder.OfText(content, column, cancellationToken)
                : ColumnOrder.Of(Keys(tableId, version, content, column, cancellationToken)),
            o => o.SizeBytes, cancellationToken);

    /// <summary>Stable counting sorts by each key's rank, the last key first (so the first key decides, then the next…).</summary>
    private int[] Sort(string tableId, int version, TableContent content, IReadOnlyList<SortKey> keys, int[]? selected, CancellationToken cancellationToken)
    {
        var rows = selected ?? Enumerable.Range(0, (int)content.RowCount).ToArray();
        for (var k = keys.Count - 1; k >= 0; k--)
        {
            var order = Order(tableId, version, content, keys[k].Column, cancellationToken);
            rows = RadixSort.ByRank(rows, order.Ranks, order.Distinct, keys[k].Descending);
        }
        return rows;
    }

    private int[] Select(string tableId, int version, TableContent content, ViewRequest view, CancellationToken cancellationToken)
    {
        var count = (int)content.RowCount;
        var keep = new bool[count];
        Array.Fill(keep, true);
        var byText = new List<Filter>();
        foreach (var filter in view.Filters)
        {
            var type = content.ColumnTypes[filter.Column];
            if (filter.IsTyped(type) || (type != ColumnType.Text && filter.Operator is FilterOperator.Empty or FilterOperator.NonEmpty))
            {
                var values = Keys(tableId, version, content, filter.Column, cancellationToken).Values;
                var test = TypedTest(filter, type);
                for (var row = 0; row < count; row++)
                {
                    keep[row] &= test(values[row]);
                }
            }
            else
            {
                byText.Add(filter);
            }
        }
        if (byText.Count > 0)
        {
            var encoding = content.TextEncoding;
            var tests = byText.Select(f => (f.Column, Test: CellTest(f, encoding))).ToArray();
            TableScan.ForEachInParallel(content, (row, reader) =>
            {
                if (!keep[row])
                {
                    return;
                }
                foreach (var (column, test) in tests)
                {
                    if (!test(TableScan.Cell(reader, column)))
                    {
                        keep[row] = false;
                        return;
                    }
                }
            }, cancellationToken);
        }
        if (view.Find is { } find)
        {
            Find.Mark(content, find, keep, cancellationToken);
        }
        var rows = new List<int>();
        for (var row = 0; row < count; row++)
        {
            if (keep[row])
            {
                rows.Add(row);
            }
        }
        return [.. rows];
    }

    private static Func<double, bool> TypedTest(Filter filter, ColumnType type)
    {
        var value = filter.Value is null ? 0 : TypedValue.TryParse(filter.Value, type, out var v) ? v : double.NaN;
        return filter.Operator switch
        {
            FilterOperator.Eq => x => x == value,
            FilterOperator.Ne => x => x != value, // an empty cell (NaN) is not equal
            FilterOperator.Lt => x => x < value,
            FilterOperator.Le => x => x <= value,
            FilterOperator.Gt => x => x > value,
            FilterOperator.Ge => x => x >= value,
            FilterOperator.Empty => double.IsNaN,
            FilterOperator.NonEmpty => x => !double.IsNaN(x),
            _ => throw new InvalidOperationException($"{filter.Operator} is not a typed test."),
        };
    }

    /// <summary>
    /// A text filter on a cell's bytes: <c>contains</c> and <c>starts</c> with an ASCII value search
    /// the bytes (no string made per cell; see <see cref="AsciiNeedle"/>); every other operator and
    /// value decodes the cell and compares it as text.
    /// </summary>
    private static Func<ReadOnlySpan<byte>, bool> CellTest(Filter filter, Encoding encoding)
    {
        if (filter.Operator is FilterOperator.Contains or FilterOperator.Starts && AsciiNeedle.For(filter.Value ?? "") is { } needle)
        {
            return filter.Operator == FilterOperator.Contains ? cell => needle.IndexIn(cell) >= 0 : needle.Starts;
        }
        var asText = TextTest(filter);
        return cell => asText(Decode(cell, encoding));
    }

    private static Func<string, bool> TextTest(Filter filter)
    {
        var value = filter.Value ?? "";
        return filter.Operator switch
        {
            FilterOperator.Eq => x => x.Length > 0 && x.Equals(value, StringComparison.OrdinalIgnoreCase),
            FilterOperator.Ne => x => !x.Equals(value, StringComparison.OrdinalIgnoreCase),
            FilterOperator.Contains => x => x.Contains(value, StringComparison.OrdinalIgnoreCase),
            FilterOperator.Starts => x => x.StartsWith(value, StringComparison.OrdinalIgnoreCase),
            FilterOperator.Lt => x => x.Length > 0 && ColumnOrder.CompareText(x, value) < 0,
            FilterOperator.Le => x => x.Length > 0 && ColumnOrder.CompareText(x, value) <= 0,
            FilterOperator.Gt => x => x.Length > 0 && ColumnOrder.CompareText(x, value) > 0,
            FilterOperator.Ge => x => x.Length > 0 && ColumnOrder.CompareText(x, value) >= 0,
            FilterOperator.Empty => x => x.Length == 0,
            FilterOperator.NonEmpty => x => x.Length > 0,
            _ => throw new InvalidOperationException($"{filter.Operator} is not a text test."),
        };
    }

    private static string Decode(ReadOnlySpan<byte> cell, Encoding encoding) => cell.IsEmpty ? "" : encoding.GetString(cell);
}
