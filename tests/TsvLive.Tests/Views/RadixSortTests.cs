using TsvLive.Tables.Views;

namespace TsvLive.Tests.Views;

/// <summary>The linear-time sorts views use, against the framework's sorts on random input (no server).</summary>
public sealed class RadixSortTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1_000)]
    [InlineData(3, 50_000)]
    public void KeysAreSortedAscendingAndRowsWithEqualKeysKeepTheirOrder(int seed, int count)
    {
        var random = new Random(seed);
        // Few distinct keys, spread over every 16-bit digit, so ties and every pass are exercised.
        var distinct = Enumerable.Range(0, 37).Select(_ => (ulong)random.NextInt64() * 2 + (ulong)random.Next(2)).ToArray();
        var keys = Enumerable.Range(0, count).Select(_ => distinct[random.Next(distinct.Length)]).ToArray();
        var rows = Enumerable.Range(0, count).ToArray();
        var expected = rows.OrderBy(r => keys[r]).ThenBy(r => r).ToArray();

        RadixSort.Sort(keys, rows, count);

        Assert.Equal(expected, rows);
        Assert.True(keys.Zip(keys.Skip(1)).All(p => p.First <= p.Second));
    }

    [Fact]
    public void NumbersKeepTheirOrderAsKeys()
    {
        double[] values = [double.NegativeInfinity, -1e300, -2.5, -1, -double.Epsilon, 0, double.Epsilon, 0.5, 1, 3, 1e300, double.PositiveInfinity];
        var keys = values.Select(RadixSort.Key).ToArray();
        Assert.Equal(keys.Order(), keys);
        Assert.Equal(RadixSort.Key(0.0), RadixSort.Key(-0.0));
    }

    [Fact]
    public void ItemsAreRankedByTheComparisonWhereTheirPrefixesTie()
    {
        var random = new Random(7);
        var words = Enumerable.Range(0, 5_000).Select(_ => new string((char)('a' + random.Next(3)), random.Next(1, 12)) + random.Next(10)).ToArray();
        // A prefix of the first character only: ties are broken by the whole comparison.
        var rank = RadixSort.Rank(words.Length, i => words[i][0], (x, y) => string.CompareOrdinal(words[x], words[y]));

        var distinct = words.Distinct().Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < words.Length; i++)
        {
            Assert.Equal(distinct.IndexOf(words[i]), rank[i]);
        }
    }

    [Fact]
    public void RowsAreOrderedByRankStablyEitherWay()
    {
        int[] rank = [2, 0, 1, 0, 2, 1];
        int[] rows = [0, 1, 2, 3, 4, 5];

        Assert.Equal([1, 3, 2, 5, 0, 4], RadixSort.ByRank(rows, rank, 3, descending: false));
        Assert.Equal([0, 4, 2, 5, 1, 3], RadixSort.ByRank(rows, rank, 3, descending: true));
    }

    [Fact]
    public void RowsWithoutAValueGoLastEitherWay()
    {
        int[] rank = [1, ColumnOrder.Empty, 0, ColumnOrder.Empty];
        int[] rows = [0, 1, 2, 3];

        Assert.Equal([2, 0, 1, 3], RadixSort.ByRank(rows, rank, 2, descending: false));
        Assert.Equal([0, 2, 1, 3], RadixSort.ByRank(rows, rank, 2, descending: true));
    }
}
