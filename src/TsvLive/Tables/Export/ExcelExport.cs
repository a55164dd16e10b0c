using CsvHelper;
using SpreadCheetah;
using SpreadCheetah.Styling;
using SpreadCheetah.Worksheets;
using TsvLive.Tables.Columns;

namespace TsvLive.Tables.Export;

/// <summary>
/// An Excel workbook of one sheet, streamed by SpreadCheetah: the header row frozen and bold, numbers
/// as numbers, dates as dates, true/false as booleans, by each column's type; a number Excel cannot
/// hold exactly (more than 15 significant digits, such as a long id) stays text.
/// </summary>
internal static class ExcelExport
{
    /// <summary>Excel's rows per sheet, the header row included.</summary>
    public const int MaxRows = 1_048_576;

    public const int MaxColumns = 16_384;

    private const int MaxExactDigits = 15;

    public static async Task WriteAsync(Stream output, TableContent content, string sheetName, IEnumerable<CsvReader> records, bool guardFormulas,
        CancellationToken cancellationToken)
    {
        var options = new SpreadCheetahOptions { BufferSize = 1 << 16, CompressionLevel = SpreadCheetahCompressionLevel.Fastest };
        var zip = new PendingWritesStream(output);
        await using var _ = zip.ConfigureAwait(false);
        var sheet = await Spreadsheet.CreateNewAsync(zip, options, cancellationToken).ConfigureAwait(false);
        await using (sheet.ConfigureAwait(false))
        {
            var bold = sheet.AddStyle(new Style { Font = { Bold = true } });
            var day = sheet.AddStyle(new Style { Format = NumberFormat.Custom("yyyy-mm-dd") });
            var dayAndTime = sheet.AddStyle(new Style { Format = NumberFormat.Custom("yyyy-mm-dd hh:mm:ss") });
            await sheet.StartWorksheetAsync(sheetName, new WorksheetOptions { FrozenRows = 1 }, cancellationToken).ConfigureAwait(false);

            var width = content.Columns.Count;
            var row = new Cell[width];
            for (var i = 0; i < width; i++)
            {
                row[i] = new Cell(Guarded(content.Columns[i], guardFormulas), bold);
            }
            await sheet.AddRowAsync(row, cancellationToken).ConfigureAwait(false);
            var types = content.ColumnTypes;
            var encoding = content.TextEncoding;
            foreach (var reader in records)
            {
                for (var i = 0; i < width; i++)
                {
                    row[i] = CellOf(i < reader.FieldCount ? reader.GetSpan(i) : [], types[i], encoding, guardFormulas, day, dayAndTime);
                }
                await sheet.AddRowAsync(row, cancellationToken).ConfigureAwait(false);
            }
            await sheet.FinishAsync(cancellationToken).ConfigureAwait(false);
        }
        // The archive's end, written as the spreadsheet closed.
        await zip.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Cell CellOf(ReadOnlySpan<byte> cell, ColumnType type, System.Text.Encoding encoding, bool guardFormulas, StyleId day, StyleId dayAndTime)
    {
        if (cell.IsEmpty)
        {
            return default;
        }
        switch (type)
        {
            case ColumnType.Integer or ColumnType.Number when SignificantDigits(cell) <= MaxExactDigits && CellValues.TryParseNumber(cell, out var number):
                return new Cell(number);
            case ColumnType.Date when CellValues.TryParseDate(cell, out var ticks):
                return new Cell(new DateTime(ticks, DateTimeKind.Unspecified), cell.Length == 10 ? day : dayAndTime);
            case ColumnType.Boolean when CellValues.TryParseBoolean(cell, out var boolean):
                return new Cell(boolean);
            default:
                var text = encoding.GetString(cell);
                return new Cell(guardFormulas && FormulaGuard.NeedsEscape(cell) ? "'" + text : text);
        }
    }

    private static string Guarded(string text, bool guardFormulas) =>
        guardFormulas && FormulaGuard.NeedsEscape(System.Text.Encoding.UTF8.GetBytes(text)) ? "'" + text : text;

    /// <summary>The digits of the number's mantissa, leading zeros not counted.</summary>
    private static int SignificantDigits(ReadOnlySpan<byte> number)
    {
        var digits = 0;
        foreach (var b in number)
        {
            if (b is (byte)'e' or (byte)'E')
            {
                break;
            }
            if (b is >= (byte)'0' and <= (byte)'9' && (digits > 0 || b != '0'))
            {
                digits++;
            }
        }
        return digits;
    }
}
