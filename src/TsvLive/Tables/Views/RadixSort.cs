namespace TsvLive.Tables.Views;

/// <summary>
/// Stable sorts in linear time for what views sort: 64-bit keys with a row each (LSD radix, 16 bits
/// a pass, passes where every key has the same digit skipped), and rows by small integer ranks
/// (counting sort). Stable, so rows with equal keys stay in the order they came (file order).
/// </summary>
internal static class RadixSort
{
    private const int Bits = 16;
    private const int Buckets = 1 << Bits;

    /// <summary>Sorts the first <paramref name="count"/> keys ascending, moving <paramref name="rows"/> with them.</summary>
    public static void Sort(ulong[] keys, int[] rows, int count)
    {
        var keysOut = new ulong[count];
        var rowsOut = new int[count];
        var counts = new int[Buckets];
        for (var shift = 0; shift < 64; shift += Bits)
        {
            Array.Clear(counts);
            for (var i = 0; i < count; i++)
            {
                counts[(int)(keys[i] >> shift) & (Buckets - 1)]++;
            }
            if (counts.Contains(count))
            {
                continue; // every key has this digit: nothing moves
            }
            var position = 0;
            for (var b = 0; b < Buckets; b++)
            {
                (counts[b], position) = (position, position + counts[b]);
            }
            for (var i = 0; i < count; i++)
            {
                var at = counts[(int)(keys[i] >> shift) & (Buckets - 1)]++;
                keysOut[at] = keys[i];
                rowsOut[at] = rows[i];
            }
            Array.Copy(keysOut, keys, count);
            Array.Copy(rowsOut, rows, count);
        }
    }

    /// <summary>
    /// Ranks items 0 .. <paramref name="count"/> − 1 by <paramref name="compare"/> (equal items share a
    /// rank): sorted in linear time by a 64-bit prefix whose unsigned order agrees with the comparison,
    /// and compared whole only where prefixes tie.
    /// </summary>
    public static int[] Rank(int count, Func<int, ulong> prefix, Comparison<int> compare)
    {
        var prefixes = new ulong[count];
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            prefixes[i] = prefix(i);
            order[i] = i;
        }
        Sort(prefixes, order, count);
        var whole = Comparer<int>.Create(compare);
        for (var start = 0; start < count;)
        {
            var end = start + 1;
            while (end < count && prefixes[end] == prefixes[start])
            {
                end++;
            }
            if (end - start > 1)
            {
                Array.Sort(order, start, end - start, whole);
            }
            start = end;
        }
        var ranks = new int[count];
        var rank = -1;
        for (var i = 0; i < count; i++)
        {
            if (i == 0 || prefixes[i] != prefixes[i - 1] || compare(order[i], order[i - 1]) != 0)
            {
                rank++;
            }
            ranks[order[i]] = rank;
        }
        return ranks;
    }

    /// <summary>
    /// Reorders <paramref name="rows"/> stably by <paramref name="rank"/>[row] (ranks from 0 to
    /// <paramref name="ranks"/> − 1, or <see cref="ColumnOrder.Empty"/>, which goes last either way).
    /// </summary>
    public static int[] ByRank(int[] rows, int[] rank, int ranks, bool descending)
    {
        var counts = new int[ranks + 1];
        foreach (var row in rows)
        {
            counts[Slot(rank[row], ranks, descending)]++;
        }
        var position = 0;
        for (var r = 0; r <= ranks; r++)
        {
            (counts[r], position) = (position, position + counts[r]);
        }
        var sorted = new int[rows.Length];
        foreach (var row in rows)
        {
            sorted[counts[Slot(rank[row], ranks, descending)]++] = row;
        }
        return sorted;
    }

    private static int Slot(int rank, int ranks, bool descending) =>
        rank == ColumnOrder.Empty ? ranks : descending ? ranks - 1 - rank : rank;

    /// <summary>A double as a key whose unsigned order is the number's order (−0 and 0 alike).</summary>
    public static ulong Key(double value)
    {
        var bits = BitConverter.DoubleToUInt64Bits(value + 0.0);
        return (bits & 0x8000_0000_0000_0000) != 0 ? ~bits : bits | 0x8000_0000_0000_0000;
    }
}
