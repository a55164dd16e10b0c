using TsvLive.Errors;
using TsvLive.Tables.Paging;

namespace TsvLive.Tables.Export;

/// <summary>
/// Writes a version, or a view of it, whole in one of the export formats: checked first (nothing is
/// written for an export that cannot be made), then streamed from the stored text record by record.
/// </summary>
internal static class TableExport
{
    /// <summary>Refuses, before anything is sent, an export that the format cannot hold.</summary>
    /// <exception cref="ExportTooLargeException">Too many rows or columns for an Excel sheet.</exception>
    public static void ThrowIfImpossible(ViewedVersion viewed, ExportFormat format)
    {
        if (!viewed.Content.Complete)
        {
            throw TableArrivingException.ForTheFile();
        }
        if (format != ExportFormat.Xlsx)
        {
            return;
        }
        if (viewed.RowCount + 1 > ExcelExport.MaxRows)
        {
            throw new ExportTooLargeException(
                $"This view has {viewed.RowCount:N0} rows; an Excel sheet holds at most {ExcelExport.MaxRows - 1:N0} below its header. " +
                "Filter the rows down, or download CSV, TSV or JSON, which have no such limit.");
        }
        if (viewed.Content.Columns.Count > ExcelExport.MaxColumns)
        {
            throw new ExportTooLargeException(
                $"This table has {viewed.Content.Columns.Count:N0} columns; an Excel sheet holds at most {ExcelExport.MaxColumns:N0}. Download CSV, TSV or JSON instead.");
        }
    }

    /// <summary>The name to download the export under: the table's name with the format's extension.</summary>
    public static string FileName(ViewedVersion viewed, ExportFormat format) =>
        Path.GetFileNameWithoutExtension(viewed.Version.Name) is { Length: > 0 } stem ? stem + format.Extension() : "table" + format.Extension();

    /// <param name="guardFormulas">In CSV and Excel, a cell that a spreadsheet would run as a formula gets a leading <c>'</c> (<see cref="FormulaGuard"/>).</param>
    public static Task WriteAsync(Stream output, ViewedVersion viewed, ExportFormat format, bool guardFormulas, CancellationToken cancellationToken)
    {
        var records = ExportRecords.Of(viewed.Content, viewed.Rows, cancellationToken);
        return format switch
        {
            ExportFormat.Csv => DelimitedExport.WriteAsync(output, viewed.Content, records, format, guardFormulas, cancellationToken),
            ExportFormat.Tsv => DelimitedExport.WriteAsync(output, viewed.Content, records, format, guardFormulas: false, cancellationToken),
            ExportFormat.Json => JsonExport.WriteAsync(output, viewed.Content, records, cancellationToken),
            _ => ExcelExport.WriteAsync(output, viewed.Content, SheetName(viewed.Version.Name), records, guardFormulas, cancellationToken),
        };
    }

    /// <summary>The table's name as a sheet name: at most 31 characters, none of <c>[]:*?/\</c>.</summary>
    private static string SheetName(string tableName)
    {
        var name = new string([.. Path.GetFileNameWithoutExtension(tableName).Where(c => "[]:*?/\\'".IndexOf(c) < 0)]).Trim();
        return name.Length == 0 ? "Table" : name[..Math.Min(31, name.Length)];
    }
}
