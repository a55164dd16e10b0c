using System.Text;
using TsvLive.Tables.Columns;

namespace TsvLive.Tables.Views;

/// <summary>A cell's value as its column's type orders it: a number, a date's UTC ticks, or a boolean as 0/1; all as a double.</summary>
internal static class TypedValue
{
    public static bool TryParse(string text, ColumnType type, out double value) => TryParse(Encoding.UTF8.GetBytes(text), type, out value);

    public static bool TryParse(ReadOnlySpan<byte> cell, ColumnType type, out double value)
    {
        switch (type)
        {
            case ColumnType.Integer when TryParseShortInteger(cell, out var integer):
                value = integer;
                return true;
            case ColumnType.Integer or ColumnType.Number:
                return CellValues.TryParseNumber(cell, out value);
            case ColumnType.Date:
                var ok = CellValues.TryParseDate(cell, out var ticks);
                value = ticks;
                return ok;
            case ColumnType.Boolean:
                ok = CellValues.TryParseBoolean(cell, out var boolean);
                value = boolean ? 1 : 0;
                return ok;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>An integer of up to 18 digits, read digit by digit (the common case, without the general number parser).</summary>
    private static bool TryParseShortInteger(ReadOnlySpan<byte> cell, out long value)
    {
        value = 0;
        var negative = cell.Length > 0 && cell[0] == '-';
        var digits = negative ? cell[1..] : cell;
        if (digits.IsEmpty || digits.Length > 18)
        {
            return false;
        }
        foreach (var b in digits)
        {
            var digit = b - '0';
            if ((uint)digit > 9)
            {
                return false;
            }
            value = (value * 10) + digit;
        }
        value = negative ? -value : value;
        return true;
    }
}
