namespace TsvLive.Tables.Views;

/// <summary>
/// The culture's case-insensitive order for the commonest text, letters, digits and spaces only,
/// without the culture's sort keys: there it is the order of the characters mapped to space &lt;
/// digits &lt; letters (either case alike), a shorter text before a longer one it starts. Used only
/// when every distinct value of a column is such text (a test holds it to the culture's order).
/// </summary>
internal static class AsciiOrder
{
    /// <summary>Characters held by the two 64-bit keys of a cell (10 each, 6 bits a character).</summary>
    private const int KeyChars = 20;

    /// <summary>Past this many rows whose order the keys leave open, reading them again costs more than collecting the distinct values.</summary>
    private const int MaxRowsReadAgain = 50_000;

    /// <summary>
    /// The column's order straight from its cells, without collecting distinct values, when every cell
    /// is letters, digits and spaces: each row gets two keys (its first 20 characters' weights),
    /// the rows are radix-sorted by them, and only rows longer than 20 characters that tie on both
    /// keys are read again and compared whole. Null when a cell has another character, or too many
    /// rows tie that way (then the caller collects the distinct values).
    /// </summary>
    public static ColumnOrder? TryOrder(TableContent content, int column)
    {
        var count = (int)content.RowCount;
        var first = new ulong[count];
        var second = new ulong[count];
        var lengths = new int[count];
        var covered = true;
        TableScan.ForEach(content, (row, reader) =>
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
                if (i < KeyChars / 2)
                {
                    a = (a << 6) | (uint)weight;
                }
                else
                {
                    b = (b << 6) | (uint)weight;
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
        });
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
                    .Select(i => (Row: rows[i], Text: Paging.PageReader.Rows(content, rows[i], 1).First()[column]))
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
    public static int[] Rank(string[] values)
    {
        var prefixes = new ulong[values.Length];
        var order = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            prefixes[i] = Prefix(values[i]);
            order[i] = i;
        }
        RadixSort.Sort(prefixes, order, values.Length);
        var byText = Comparer<int>.Create((x, y) => Compare(values[x], values[y]));
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && prefixes[end] == prefixes[start])
            {
                end++;
            }
            if (end - start > 1)
            {
                Array.Sort(order, start, end - start, byText);
            }
            start = end;
        }
        var ranks = new int[values.Length];
        var rank = -1;
        for (var i = 0; i < order.Length; i++)
        {
            if (i == 0 || Compare(values[order[i]], values[order[i - 1]]) != 0)
            {
                rank++;
            }
            ranks[order[i]] = rank;
        }
        return ranks;
    }

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

    /// <summary>The first 10 characters' weights, 6 bits each, so that unsigned order is <see cref="Compare"/>'s on them.</summary>
    private static ulong Prefix(string text)
    {
        ulong prefix = 0;
        for (var i = 0; i < 10; i++)
        {
            prefix = (prefix << 6) | (uint)(i < text.Length ? Weight(text[i]) : 0);
        }
        return prefix;
    }

    /// <summary>1 for a space, 2–11 for digits, 12–37 for letters; 0 for anything else.</summary>
    private static int Weight(char c) => c switch
    {
        ' ' => 1,
        >= '0' and <= '9' => c - '0' + 2,
        >= 'a' and <= 'z' => c - 'a' + 12,
        >= 'A' and <= 'Z' => c - 'A' + 12,
        _ => 0,
    };
}
