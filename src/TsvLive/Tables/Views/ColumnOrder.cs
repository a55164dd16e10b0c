using System.Globalization;

namespace TsvLive.Tables.Views;

/// <summary>
/// Where each row of one column stands in the column's order: equal values share a rank, empty
/// cells have none. Computed once per column and version; every sort by the column (either
/// direction, alone or with other keys) is then a linear counting sort. 4 bytes a row.
/// </summary>
internal sealed class ColumnOrder(int[] ranks, int distinct)
{
    public const int Empty = int.MaxValue;

    private static readonly CompareInfo s_compare = CultureInfo.InvariantCulture.CompareInfo;

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
        var sorted = new ulong[values.Length];
        var n = 0;
        for (var row = 0; row < values.Length; row++)
        {
            if (!double.IsNaN(values[row]))
            {
                rows[n] = row;
                sorted[n++] = RadixSort.Key(values[row]);
            }
        }
        RadixSort.Sort(sorted, rows, n);
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
    /// By text, case-insensitively in the invariant culture: straight from the cells when they are
    /// printable ASCII (<see cref="AsciiOrder.TryOrder"/>); otherwise the distinct cells are
    /// collected (for the time of this computation), ordered by their sort keys, and each row gets its
    /// value's rank.
    /// </summary>
    public static ColumnOrder OfText(TableContent content, int column, CancellationToken cancellationToken) =>
        AsciiOrder.TryOrder(content, column, cancellationToken) ?? OfDistinctText(content, column, cancellationToken);

    private static ColumnOrder OfDistinctText(TableContent content, int column, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        var rowIds = new int[content.RowCount];
        var encoding = content.TextEncoding;
        var chars = new char[256];
        TableScan.ForEach(content, (row, reader) =>
        {
            var cell = TableScan.Cell(reader, column);
            if (cell.IsEmpty)
            {
                rowIds[row] = -1;
                return;
            }
            if (encoding.GetMaxCharCount(cell.Length) > chars.Length)
            {
                chars = new char[encoding.GetMaxCharCount(cell.Length)];
            }
            // Decoded into one buffer: only a value not seen before becomes a string.
            var text = chars.AsSpan(0, encoding.GetChars(cell, chars));
            if (!lookup.TryGetValue(text, out var id))
            {
                id = ids.Count;
                lookup.TryAdd(text, id);
            }
            rowIds[row] = id;
        }, cancellationToken);
        var values = new string[ids.Count];
        foreach (var (text, id) in ids)
        {
            values[id] = text;
        }
        var rankOfId = RankText(values);
        var ranks = new int[rowIds.Length];
        for (var row = 0; row < ranks.Length; row++)
        {
            ranks[row] = rowIds[row] < 0 ? Empty : rankOfId[rowIds[row]];
        }
        return new ColumnOrder(ranks, rankOfId.Length == 0 ? 0 : rankOfId.Max() + 1);
    }

    /// <summary>
    /// Ranks distinct texts by their culture sort keys (computed on every core): sorted by the keys'
    /// first 8 bytes in linear time, then only runs that share those bytes by whole keys.
    /// </summary>
    internal static int[] RankText(string[] values)
    {
        if (values.All(AsciiOrder.Covers))
        {
            return AsciiOrder.Rank(values);
        }
        var sortKeys = new byte[values.Length][];
        Parallel.For(0, values.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => sortKeys[i] = s_compare.GetSortKey(values[i], CompareOptions.IgnoreCase).KeyData);
        return RadixSort.Rank(values.Length, i => Prefix(sortKeys[i]), (x, y) => sortKeys[x].AsSpan().SequenceCompareTo(sortKeys[y]));
    }

    /// <summary>Text compared as the sort orders it (for a text filter's lt/le/gt/ge).</summary>
    public static int CompareText(string a, string b) => s_compare.Compare(a, b, CompareOptions.IgnoreCase);

    /// <summary>The first 8 bytes of a sort key, big-endian, so that unsigned order is the keys' order on them.</summary>
    private static ulong Prefix(byte[] key)
    {
        ulong prefix = 0;
        for (var i = 0; i < 8; i++)
        {
            prefix = (prefix << 8) | (i < key.Length ? key[i] : (byte)0);
        }
        return prefix;
    }
}
