namespace TsvLive.Tables.Views;

/// <summary>
/// The culture's case-insensitive order for printable ASCII text, without the culture's sort keys:
/// there it is the lexicographic order of the characters' weights (punctuation, then digits, then
/// letters, either case alike; a shorter text before a longer one it starts). The weights are taken
/// from the culture itself at start, by ordering the 95 characters; a test holds whole texts to the
/// culture's order. Used only when every cell of a column is such text.
/// </summary>
internal static class AsciiOrder
{
    /// <summary>Bits of one character's weight (fewer than 128 distinct weights).</summary>
    private const int WeightBits = 7;

    /// <summary>Characters in one 64-bit key.</summary>
    private const int CharsPerKey = 64 / WeightBits;

    /// <summary>Characters held by the two keys of a cell.</summary>
    private const int KeyChars = 2 * CharsPerKey;

    /// <summary>Per ASCII character, its weight from 1; 0 for characters not covered (controls, non-ASCII).</summary>
    private static readonly byte[] s_weights = Weights();

    /// <summary>Past this many rows whose order the keys leave open, reading them again costs more than collecting the distinct values.</summary>
    private const int MaxRowsReadAgain = 50_000;

    /// <summary>
    /// The column's order straight from its cells, without collecting distinct values, when every cell
    /// is printable ASCII: each row gets two keys (its first 18 characters' weights), the rows are
    /// radix-sorted by them, and only rows longer than that which tie on both keys are read again
    /// and compared whole. Null when a cell has another character, or too many
    /// rows tie that way (then the caller collects the distinct values).
    /// </summary>
    public static ColumnOrder? TryOrder(TableContent content, int column, CancellationToken cancellationToken)
    {
        var count = (int)content.RowCount;
        var first = new ulong[count];
        var second = new ulong[count];
        var lengths = new int[count];
        var covered = true;
        TableScan.ForEachInParallel(content, (row, reader) =>
        {
            if (!covered)
            {
                return;
            }
            var cell = TableScan.Cell(reader, column);
            lengths[row] = cell.Length;
            ulong a = 0;
            ulong b = 0;
            for (var i = 0; i < KeyChars; i++)
            {
                var weight = i < cell.Length ? Weight((char)cell[i]) : 0;
                if (i < cell.Length && weight == 0)
                {
                    covered = false;
                    return;
                }
                if (i < CharsPerKey)
                {
                    a = (a << WeightBits) | (uint)weight;
                }
                else
                {
                    b = (b << WeightBits) | (uint)weight;
                }
            }
            for (var i = KeyChars; i < cell.Length; i++)
            {
                if (Weight((char)cell[i]) == 0)
                {
                    covered = false;
                    return;
                }
            }
            (first[row], second[row]) = (a, b);
        }, cancellationToken);
        if (!covered)
        {
            return null;
        }
        var rows = new int[count];
        var keys = new ulong[count];
        var filled = 0;
        for (var row = 0; row < count; row++)
        {
            if (lengths[row] > 0)
            {
                keys[filled] = second[row];
                rows[filled++] = row;
            }
        }
        // By the second key, then (stably) by the first: the order of both.
        RadixSort.Sort(keys, rows, filled);
        for (var i = 0; i < filled; i++)
        {
            keys[i] = first[rows[i]];
        }
        RadixSort.Sort(keys, rows, filled);

        var ranks = new int[count];
        Array.Fill(ranks, ColumnOrder.Empty);
        var rank = -1;
        var readAgain = 0;
        for (var start = 0; start < filled;)
        {
            var end = start + 1;
            var longer = lengths[rows[start]] > KeyChars;
            while (end < filled && first[rows[end]] == first[rows[start]] && second[rows[end]] == second[rows[start]])
            {
                longer |= lengths[rows[end]] > KeyChars;
                end++;
            }
            if (!longer)
            {
                rank++;
                for (var i = start; i < end; i++)
                {
                    ranks[rows[i]] = rank;
                }
            }
            else
            {
                readAgain += end - start;
                if (readAgain > MaxRowsReadAgain)
                {
                    return null;
                }
                var texts = Enumerable.Range(start, end - start)
                    .Select(i => (Row: rows[i], Text: TableRecords.Rows(content, rows[i], 1).First()[column]))
                    .OrderBy(t => t.Text, Comparer<string>.Create(Compare)).ThenBy(t => t.Row).ToList();
                for (var i = 0; i < texts.Count; i++)
                {
                    if (i == 0 || Compare(texts[i].Text, texts[i - 1].Text) != 0)
                    {
                        rank++;
                    }
                    ranks[texts[i].Row] = rank;
                }
            }
            start = end;
        }
        return new ColumnOrder(ranks, rank + 1);
    }

    public static bool Covers(string text)
    {
        foreach (var c in text)
        {
            if (Weight(c) == 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Ranks from 0, equal ranks for texts equal but for case.</summary>
    public static int[] Rank(string[] values) =>
        RadixSort.Rank(values.Length, i => Prefix(values[i]), (x, y) => Compare(values[x], values[y]));

    public static int Compare(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var c = Weight(a[i]) - Weight(b[i]);
            if (c != 0)
            {
                return c;
            }
        }
        return a.Length - b.Length;
    }

    /// <summary>The first characters' weights, so that unsigned order is <see cref="Compare"/>'s on them.</summary>
    private static ulong Prefix(string text)
    {
        ulong prefix = 0;
        for (var i = 0; i < CharsPerKey; i++)
        {
            prefix = (prefix << WeightBits) | (uint)(i < text.Length ? Weight(text[i]) : 0);
        }
        return prefix;
    }

    private static int Weight(char c) => c < 128 ? s_weights[c] : 0;

    /// <summary>The printable ASCII characters in the culture's case-insensitive order, equal ones sharing a weight.</summary>
    private static byte[] Weights()
    {
        var compare = System.Globalization.CultureInfo.InvariantCulture.CompareInfo;
        int Order(char x, char y) => compare.Compare(x.ToString(), y.ToString(), System.Globalization.CompareOptions.IgnoreCase);
        var ordered = Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c)
            .Where(c => compare.Compare(c.ToString(), "", System.Globalization.CompareOptions.IgnoreCase) != 0) // an ignorable character is not covered
            .Order(Comparer<char>.Create(Order)).ToArray();
        var weights = new byte[128];
        byte weight = 0;
        for (var i = 0; i < ordered.Length; i++)
        {
            if (i == 0 || Order(ordered[i], ordered[i - 1]) != 0)
            {
                weight++;
            }
            weights[ordered[i]] = weight;
        }
        return weights;
    }
}
