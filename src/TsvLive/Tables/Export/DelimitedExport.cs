using System.Buffers;
using System.Text;
using CsvHelper;

namespace TsvLive.Tables.Export;

/// <summary>
/// CSV (RFC 4180: commas, CRLF, a UTF-8 byte order mark so spreadsheets read the text right) or TSV
/// (tabs, LF, no mark), both quoted where a field holds the separator, a quote or a line break:
/// written by CsvHelper record by record, flushed to the output as its buffer fills.
/// </summary>
internal static class DelimitedExport
{
    public static async Task WriteAsync(Stream output, TableContent content, IEnumerable<CsvReader> records, ExportFormat format, bool guardFormulas,
        CancellationToken cancellationToken)
    {
        var csv = format == ExportFormat.Csv;
        var options = new CsvWriterOptions
        {
            Separator = csv ? ',' : '\t',
            NewLine = csv ? "\r\n" : "\n",
            WriteByteOrderMark = csv,
            BufferSize = 1 << 16,
        };
        var writer = CsvWriter.Create(output, options, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            foreach (var name in content.Columns)
            {
                WriteCell(writer, Encoding.UTF8.GetBytes(name), Encoding.UTF8, guardFormulas);
            }
            await writer.EndRecordAsync(cancellationToken).ConfigureAwait(false);
            var width = content.Columns.Count;
            var encoding = content.TextEncoding;
            foreach (var reader in records)
            {
                for (var i = 0; i < width; i++)
                {
                    WriteCell(writer, i < reader.FieldCount ? reader.GetSpan(i) : [], encoding, guardFormulas);
                }
                await writer.EndRecordAsync(cancellationToken).ConfigureAwait(false);
            }
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <param name="cell">The cell as the text holds it: UTF-8, or single-byte text (<paramref name="encoding"/>) decoded here.</param>
    private static void WriteCell(CsvWriter writer, ReadOnlySpan<byte> cell, Encoding encoding, bool guardFormulas)
    {
        var escape = guardFormulas && FormulaGuard.NeedsEscape(cell);
        if (encoding is not UTF8Encoding)
        {
            var text = encoding.GetString(cell);
            writer.WriteField(escape ? "'" + text : text);
            return;
        }
        if (!escape)
        {
            writer.WriteField(cell);
            return;
        }
        var rented = ArrayPool<byte>.Shared.Rent(cell.Length + 1);
        rented[0] = FormulaGuard.Escape;
        cell.CopyTo(rented.AsSpan(1));
        writer.WriteField(rented.AsSpan(0, cell.Length + 1));
        ArrayPool<byte>.Shared.Return(rented);
    }
}
