namespace TsvLive.Tables.Views;

/// <summary>
/// The culture's case-insensitive order for the commonest text, letters, digits and spaces only,
/// without the culture's sort keys: there it is the order of the characters mapped to space &lt;
/// digits &lt; letters (either case alike), a shorter text before a longer one it starts. Used only
/// when every distinct value of a column is such text (a test holds it to the culture's order).
/// </summary>
internal static class AsciiOrder
{
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
