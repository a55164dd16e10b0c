using TsvLive.Tables.Columns;

namespace TsvLive.Tables.Export;

/// <summary>
/// Spreadsheet formula injection (OWASP's CSV injection advice): a cell that starts with <c>=</c>,
/// <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return and is not a plain number would run as a
/// formula when the file is opened in a spreadsheet, so it is written with a leading <c>'</c>, which
/// spreadsheets read as "this is text" (unless the downloader asks to keep formulas).
/// </summary>
internal static class FormulaGuard
{
    public const byte Escape = (byte)'\'';

    /// <param name="cell">The cell as UTF-8 or single-byte text (the characters that matter are ASCII in both).</param>
    public static bool NeedsEscape(ReadOnlySpan<byte> cell) =>
        !cell.IsEmpty && cell[0] is (byte)'=' or (byte)'+' or (byte)'-' or (byte)'@' or (byte)'\t' or (byte)'\r' && !CellValues.IsNumber(cell);
}
