using System.Text;
using TsvLive.Tables.Columns;

namespace TsvLive.Tests.Tables;

/// <summary>The contract's rules for typed cells, one cell at a time (no server).</summary>
public sealed class CellValuesTests
{
    [Theory]
    [InlineData("0", true)]
    [InlineData("-42", true)]
    [InlineData("007", true)]
    [InlineData("-", false)]
    [InlineData("", false)]
    [InlineData("+1", false)]
    [InlineData("1.0", false)]
    [InlineData("1 000", false)]
    public void AnIntegerIsAnOptionalMinusAndDigits(string cell, bool integer) =>
        Assert.Equal(integer, CellValues.IsInteger(Encoding.UTF8.GetBytes(cell)));

    [Theory]
    [InlineData("42", 42.0)]
    [InlineData("-1.5", -1.5)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5.0)]
    [InlineData("1e3", 1000.0)]
    [InlineData("2.5E-1", 0.25)]
    [InlineData("-0.0", 0.0)]
    public void ANumberIsReadWithItsValue(string cell, double value)
    {
        Assert.True(CellValues.TryParseNumber(Encoding.UTF8.GetBytes(cell), out var read));
        Assert.Equal(value, read);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("-")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("1,5")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("0x10")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    public void TextThatOnlyLooksNumericIsNotANumber(string cell) =>
        Assert.False(CellValues.TryParseNumber(Encoding.UTF8.GetBytes(cell), out _));

    [Theory]
    [InlineData("2024-02-29", "2024-02-29T00:00:00Z")]
    [InlineData("2023-12-31", "2023-12-31T00:00:00Z")]
    [InlineData("2023-01-02T03:04", "2023-01-02T03:04:00Z")]
    [InlineData("2023-01-02 03:04:05", "2023-01-02T03:04:05Z")]
    [InlineData("2023-01-02T03:04:05.25Z", "2023-01-02T03:04:05.25Z")]
    [InlineData("2023-01-02T03:04:05+02:00", "2023-01-02T01:04:05Z")]
    [InlineData("2023-01-02T03:04-01:30", "2023-01-02T04:34:00Z")]
    public void ADateIsReadAsItsMomentInUtc(string cell, string utc)
    {
        Assert.True(CellValues.TryParseDate(Encoding.UTF8.GetBytes(cell), out var ticks));
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture).UtcTicks, ticks);
    }

    [Theory]
    [InlineData("2023-02-29")] // not a leap year
    [InlineData("2023-02-30")]
    [InlineData("2023-04-31")]
    [InlineData("2023-13-01")]
    [InlineData("2023-00-10")]
    [InlineData("0000-01-01")]
    [InlineData("2023-01-32")]
    [InlineData("2023-1-01")]
    [InlineData("2023-01-01T24:00")]
    [InlineData("2023-01-01T10:60")]
    [InlineData("2023-01-01T10:00:60")]
    [InlineData("2023-01-01T10:00:00.")]
    [InlineData("2023-01-01T10:00+0200")]
    [InlineData("2023-01-01X10:00")]
    [InlineData("2023-01-01 ")]
    public void ADayThatDoesNotExistOrAMalformedTimeIsNotADate(string cell) =>
        Assert.False(CellValues.TryParseDate(Encoding.UTF8.GetBytes(cell), out _));

    [Theory]
    [InlineData("true", true, true)]
    [InlineData("FALSE", true, false)]
    [InlineData("True", true, true)]
    [InlineData("yes", false, false)]
    [InlineData("1", false, false)]
    [InlineData("truee", false, false)]
    public void ABooleanIsTrueOrFalseInAnyCase(string cell, bool boolean, bool value)
    {
        Assert.Equal(boolean, CellValues.TryParseBoolean(Encoding.UTF8.GetBytes(cell), out var read));
        Assert.Equal(value, read);
    }

    /// <summary>
    /// A column's type is inferred from the syntax alone (IsNumber, IsDate: for every cell of every
    /// upload), its values read by the parsers: both must agree on every cell, or a column inferred as
    /// numbers or dates would hold cells that sort and filter as empty.
    /// </summary>
    [Fact]
    public void InferringATypeAndReadingAValueAgreeOnEveryCell()
    {
        string[] pieces = ["", "0", "7", "12", "2024", "-", "+", ".", "e", "E", "1e308", "1e309", "9", "99", "T", " ", ":", "Z", "x", "02", "29", "30", "31", "13", "00"];
        var random = new Random(20);
        var cells = new List<string>
        {
            "2024-02-29", "2023-02-29", "2023-02-28", "2024-04-31", "2024-04-30", "0000-01-01", "0001-01-01", "9999-12-31", "2024-13-01", "2024-00-10",
            "2024-1-01", "2024-01-1", "20240101", "2024-01-01T10:00", "2024-01-01 10:00:00.5Z", "1e999", "-1e-999", "1.7976931348623157E+309",
        };
        for (var i = 0; i < 20_000; i++)
        {
            cells.Add(string.Concat(Enumerable.Range(0, random.Next(1, 6)).Select(_ => pieces[random.Next(pieces.Length)])));
            cells.Add($"{random.Next(0, 10_000):0000}-{random.Next(0, 14):00}-{random.Next(0, 33):00}");
        }
        foreach (var cell in cells)
        {
            var bytes = Encoding.UTF8.GetBytes(cell);
            Assert.True(CellValues.IsNumber(bytes) == CellValues.TryParseNumber(bytes, out _), $"IsNumber and TryParseNumber disagree on \"{cell}\".");
            Assert.True(CellValues.IsDate(bytes) == CellValues.TryParseDate(bytes, out _), $"IsDate and TryParseDate disagree on \"{cell}\".");
        }
    }
}
