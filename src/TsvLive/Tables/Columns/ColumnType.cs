namespace TsvLive.Tables.Columns;

/// <summary>
/// What a column holds: the narrowest type every non-empty cell has (contract "Column types").
/// Integer is also a number; any two other types together make text.
/// </summary>
internal enum ColumnType
{
    Integer,
    Number,
    Date,
    Boolean,
    Text,
}

internal static class ColumnTypes
{
    public static string ToWire(this ColumnType type) => type switch
    {
        ColumnType.Integer => "integer",
        ColumnType.Number => "number",
        ColumnType.Date => "date",
        ColumnType.Boolean => "boolean",
        _ => "text",
    };

    public static bool IsNumeric(this ColumnType type) => type is ColumnType.Integer or ColumnType.Number;

    /// <summary>The type of one non-empty cell.</summary>
    public static ColumnType Of(ReadOnlySpan<byte> cell) =>
        CellValues.IsInteger(cell) ? ColumnType.Integer
        : CellValues.IsNumber(cell) ? ColumnType.Number
        : CellValues.IsDate(cell) ? ColumnType.Date
        : CellValues.TryParseBoolean(cell, out _) ? ColumnType.Boolean
        : ColumnType.Text;

    /// <summary>Whether a cell of a column that is <paramref name="type"/> so far keeps it that type.</summary>
    public static bool Fits(ReadOnlySpan<byte> cell, ColumnType type) => type switch
    {
        ColumnType.Integer => CellValues.IsInteger(cell),
        ColumnType.Number => CellValues.IsNumber(cell),
        ColumnType.Date => CellValues.IsDate(cell),
        ColumnType.Boolean => CellValues.TryParseBoolean(cell, out _),
        _ => true,
    };

    /// <summary>The narrowest type holding both.</summary>
    public static ColumnType Widen(ColumnType a, ColumnType b) =>
        a == b ? a
        : a.IsNumeric() && b.IsNumeric() ? ColumnType.Number
        : ColumnType.Text;
}
