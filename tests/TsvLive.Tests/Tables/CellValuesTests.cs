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
}
