using System.Globalization;

namespace TsvLive.Tables.Columns;

/// <summary>
/// Reads typed values from a cell's UTF-8 bytes, by the contract's rules: integer = optional '-'
/// and digits; number = an integer or a decimal with '.' and an optional exponent; date = ISO 8601
/// YYYY-MM-DD, optionally with a time after 'T' or a space (HH:MM, optional seconds and fraction,
/// optional 'Z' or offset); boolean = true/false in any case.
/// </summary>
internal static class CellValues
{
    public static bool IsInteger(ReadOnlySpan<byte> cell)
    {
        var digits = cell.Length > 0 && cell[0] == '-' ? cell[1..] : cell;
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }

    public static bool TryParseNumber(ReadOnlySpan<byte> cell, out double value)
    {
        value = 0;
        return IsNumber(cell) && double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// Whether the cell is written as a number (what the type of a column is inferred from, for every
    /// cell of every upload): the syntax alone, without computing the value.
    /// </summary>
    public static bool IsNumber(ReadOnlySpan<byte> cell)
    {
        var i = 0;
        if (i < cell.Length && cell[i] == '-')
        {
            i++;
        }
        var integerDigits = Digits(cell, ref i);
        var fractionDigits = 0;
        if (i < cell.Length && cell[i] == '.')
        {
            i++;
            fractionDigits = Digits(cell, ref i);
        }
        if (integerDigits + fractionDigits == 0)
        {
            return false;
        }
        if (i < cell.Length && (cell[i] == 'e' || cell[i] == 'E'))
        {
            i++;
            if (i < cell.Length && (cell[i] == '+' || cell[i] == '-'))
            {
                i++;
            }
            if (Digits(cell, ref i) == 0)
            {
                return false;
            }
        }
        return i == cell.Length;
    }

    /// <summary>
    /// Whether the cell is written as a date (what a column's type is inferred from): the common
    /// day-only form (YYYY-MM-DD) checked without computing the value, any other form parsed.
    /// </summary>
    public static bool IsDate(ReadOnlySpan<byte> cell)
    {
        if (cell.Length != 10)
        {
            return TryParseDate(cell, out _);
        }
        return cell[4] == '-' && cell[7] == '-'
            && TryNumber(cell[..4], out var year) && TryNumber(cell.Slice(5, 2), out var month) && TryNumber(cell.Slice(8, 2), out var day)
            && year >= 1 && month is >= 1 and <= 12 && day >= 1 && (day <= 28 || day <= DateTime.DaysInMonth(year, month));
    }

    /// <summary>A date as UTC ticks (a time without an offset is read as UTC, so such dates order among themselves).</summary>
    public static bool TryParseDate(ReadOnlySpan<byte> cell, out long ticks)
    {
        ticks = 0;
        if (cell.Length < 10 || cell[4] != '-' || cell[7] != '-'
            || !TryNumber(cell[..4], out var year) || !TryNumber(cell.Slice(5, 2), out var month) || !TryNumber(cell.Slice(8, 2), out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        var time = TimeSpan.Zero;
        var offset = TimeSpan.Zero;
        var rest = cell[10..];
        if (!rest.IsEmpty)
        {
            if ((rest[0] != 'T' && rest[0] != ' ') || rest.Length < 6 || rest[3] != ':'
                || !TryNumber(rest.Slice(1, 2), out var hour) || !TryNumber(rest.Slice(4, 2), out var minute) || hour > 23 || minute > 59)
            {
                return false;
            }
            time = new TimeSpan(hour, minute, 0);
            rest = rest[6..];
            if (rest.Length >= 3 && rest[0] == ':')
            {
                if (!TryNumber(rest.Slice(1, 2), out var second) || second > 59)
                {
                    return false;
                }
                time += TimeSpan.FromSeconds(second);
                rest = rest[3..];
                if (rest.Length >= 2 && rest[0] == '.')
                {
                    var n = 1;
                    while (n < rest.Length && char.IsAsciiDigit((char)rest[n]))
                    {
                        n++;
                    }
                    if (n == 1)
                    {
                        return false;
                    }
                    var fraction = rest[1..n];
                    long fractionTicks = 0;
                    for (var k = 0; k < 7; k++)
                    {
                        fractionTicks = fractionTicks * 10 + (k < fraction.Length ? fraction[k] - '0' : 0);
                    }
                    time += TimeSpan.FromTicks(fractionTicks);
                    rest = rest[n..];
                }
            }
            if (rest.Length == 1 && rest[0] == 'Z')
            {
                rest = [];
            }
            else if (rest.Length == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':'
                && TryNumber(rest.Slice(1, 2), out var offsetHours) && TryNumber(rest.Slice(4, 2), out var offsetMinutes) && offsetHours < 24 && offsetMinutes < 60)
            {
                offset = new TimeSpan(offsetHours, offsetMinutes, 0) * (rest[0] == '-' ? -1 : 1);
                rest = [];
            }
            if (!rest.IsEmpty)
            {
                return false;
            }
        }
        ticks = new DateTime(year, month, day).Ticks + time.Ticks - offset.Ticks;
        return true;
    }

    public static bool TryParseBoolean(ReadOnlySpan<byte> cell, out bool value)
    {
        value = cell.Length == 4 && System.Text.Ascii.EqualsIgnoreCase(cell, "true"u8);
        return value || (cell.Length == 5 && System.Text.Ascii.EqualsIgnoreCase(cell, "false"u8));
    }

    private static int Digits(ReadOnlySpan<byte> cell, ref int i)
    {
        var start = i;
        while (i < cell.Length && cell[i] >= '0' && cell[i] <= '9')
        {
            i++;
        }
        return i - start;
    }

    private static bool TryNumber(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var b in digits)
        {
            if (b < '0' || b > '9')
            {
                return false;
            }
            value = value * 10 + (b - '0');
        }
        return true;
    }
}
