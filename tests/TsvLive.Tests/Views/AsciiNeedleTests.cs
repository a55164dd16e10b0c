using System.Text;
using TsvLive.Tables.Views;

namespace TsvLive.Tests.Views;

/// <summary>Searching bytes for ASCII text gives what .NET's ordinal ignore-case gives on the decoded text.</summary>
public sealed class AsciiNeedleTests
{
    [Fact]
    public void OrdinalIgnoreCaseFoldsNoOtherCharacterOntoAnAsciiOne()
    {
        // What the byte search relies on: a non-ASCII character never equals an ASCII one ignoring case.
        var folded = new List<string>();
        for (var c = 0x80; c <= 0xFFFF; c++)
        {
            if (char.IsSurrogate((char)c))
            {
                continue;
            }
            for (var ascii = 0x20; ascii < 0x7F; ascii++)
            {
                if (string.Equals(((char)c).ToString(), ((char)ascii).ToString(), StringComparison.OrdinalIgnoreCase))
                {
                    folded.Add($"U+{c:X4} ~ '{(char)ascii}'");
                }
            }
        }
        Assert.Empty(folded);
    }

    [Theory]
    [InlineData("city 97", "City 977", 0)]
    [InlineData("city 97", "a CITY 97", 2)]
    [InlineData("ab", "aab", 1)]
    [InlineData("ab", "Émile ab", 7)]
    [InlineData("ab", "a", -1)]
    [InlineData("ab", "ſab", 2)]
    [InlineData("sa", "ſa", -1)]
    public void TheNeedleIsFoundWhereIgnoreCaseFindsItInTheDecodedText(string needle, string text, int at)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var found = AsciiNeedle.For(needle)!.IndexIn(bytes);

        Assert.Equal(at, found);
        Assert.Equal(text.Contains(needle, StringComparison.OrdinalIgnoreCase), found >= 0);
        Assert.Equal(text.StartsWith(needle, StringComparison.OrdinalIgnoreCase), AsciiNeedle.For(needle)!.Starts(bytes));
    }

    [Theory]
    [InlineData("")]
    [InlineData("é")]
    public void OnlyANonEmptyAsciiTextIsANeedle(string text) => Assert.Null(AsciiNeedle.For(text));
}
