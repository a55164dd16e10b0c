using System.Globalization;

namespace TsvLive.Tables.Views;

/// <summary>
/// Where each row of one column stands in the column's order: equal values share a rank, empty
/// cells have none. Computed once per column and version; every sort by the column (either
/// direction, alone or with other keys) is then integer comparisons. 4 bytes a row.
/// </summary>
internal sealed class ColumnOrder(int[] ranks, int distinct)
{
    public const int Empty = int.MaxValue;

    /// <summary>Per row: its rank from 0, or <see cref="Empty"/>.</summary>
    public int[] Ranks => ranks;

    /// <summary>The number of distinct ranks.</summary>
    public int Distinct => distinct;

    public long SizeBytes => ranks.Length * sizeof(int);

    /// <summary>By the typed values: numbers numerically, dates chronologically, false before true.</summary>
    public static ColumnOrder Of(ColumnKeys keys)
    {
        var values = keys.Values;
        var rows = new int[values.Length];
        var sorted = new double[values.Length];
        var n = 0;
        for (var row = 0; row < values.Length; row++)
        {
            if (!double.IsNaN(values[row]))
            {
                rows[n] = row;
                sorted[n++] = values[row];
            }
        }
        Array.Sort(sorted, rows, 0, n);
        var ranks = new int[values.Length];
        Array.Fill(ranks, Empty);
        var rank = -1;
        for (var i = 0; i < n; i++)
        {
            if (i == 0 || sorted[i] != sorted[i - 1])
            {
                rank++;
            }
            ranks[rows[i]] = rank;
        }
        return new ColumnOrder(ranks, rank + 1);
    }

    /// <summary>
    /// By text, case-insensitively in the invariant culture: the distinct cells are collected (for
    /// the time of this computation), ordered by their sort keys, and each row gets its value's rank.
    /// </summary>
    public static ColumnOrder OfText(TableContent content, int column)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var rowIds = new int[content.RowCount];
        var encoding = content.TextEncoding;
        TableScan.ForEach(content, (row, reader) =>
        {
            var cell = TableScan.Cell(reader, column);
            if (cell.IsEmpty)
            {
                rowIds[row] = -1;
                return;
            }
            var text = encoding.GetString(cell);
            if (!ids.TryGetValue(text, out var id))
            {
                id = ids.Count;
                ids.Add(text, id);
            }
            rowIds[row] = id;
        });
        var compare = CultureInfo.InvariantCulture.CompareInfo;
        var values = new string[ids.Count];
        foreach (var (text, id) in ids)
        {
            values[id] = text;
        }
        var sortKeys = values.Select(v => compare.GetSortKey(v, CompareOptions.IgnoreCase).KeyData).ToArray();
        var byKey = Enumerable.Range(0, values.Length).ToArray();
        Array.Sort(byKey, (x, y) => sortKeys[x].AsSpan().SequenceCompareTo(sortKeys[y]));
        var rankOfId = new int[values.Length];
        var rank = -1;
        for (var i = 0; i < byKey.Length; i++)
        {
            if (i == 0 || !sortKeys[byKey[i]].AsSpan().SequenceEqual(sortKeys[byKey[i - 1]]))
            {
                rank++;
            }
            rankOfId[byKey[i]] = rank;
        }
        var ranks = new int[rowIds.Length];
        for (var row = 0; row < ranks.Length; row++)
        {
            ranks[row] = rowIds[row] < 0 ? Empty : rankOfId[rowIds[row]];
        }
        return new ColumnOrder(ranks, rank + 1);
    }

    /// <summary>Text compared as the sort orders it (for a text filter's lt/le/gt/ge).</summary>
    public static int CompareText(string a, string b) => CultureInfo.InvariantCulture.CompareInfo.Compare(a, b, CompareOptions.IgnoreCase);
}
