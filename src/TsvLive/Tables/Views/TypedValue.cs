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
}
