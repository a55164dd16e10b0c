using TsvLive.Tables.Views;

namespace TsvLive.Tests.Views;

/// <summary>The fast order for printable ASCII text is the culture's case-insensitive order.</summary>
public sealed class TextOrderTests
{
    [Fact]
    public void TheAsciiOrderRanksPrintableAsciiTextsAsTheInvariantCultureIgnoringCaseDoes()
    {
        var random = new Random(11);
        var alphabet = new string([.. Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c)]);
        var values = Enumerable.Range(0, 4000).Select(_ => new string([.. Enumerable.Range(0, random.Next(0, 13)).Select(_ => alphabet[random.Next(alphabet.Length)])]))
            .Concat(["a", "A", "a b", "ab", "a0", "a 0", "0", " ", "Name 10", "Name 9", "name 100", "Z", "zz", "10", "9", "co-op", "coop", "co op", "a_b", "a.b", "a'b", "$1", "~"])
            .Where(v => v.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        Assert.All(values, v => Assert.True(AsciiOrder.Covers(v)));

        var ranks = ColumnOrder.RankText(values);

        for (var i = 0; i < values.Length; i++)
        {
            for (var j = i + 1; j < values.Length; j += 7)
            {
                var expected = Math.Sign(StringComparer.InvariantCultureIgnoreCase.Compare(values[i], values[j]));
                Assert.True(expected == Math.Sign(ranks[i].CompareTo(ranks[j])), $"'{values[i]}' vs '{values[j]}': culture {expected}, ranks {ranks[i]} {ranks[j]}");
            }
        }
    }
}
