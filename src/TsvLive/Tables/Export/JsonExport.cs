using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsvHelper;

namespace TsvLive.Tables.Export;

/// <summary><c>{ "columns": [...], "rows": [[...], ...] }</c>, every cell a string, written as it goes.</summary>
internal static class JsonExport
{
    private const int FlushBytes = 1 << 16;

    /// <summary>Text as it is (no \u escapes for letters): the output is UTF-8 JSON, not HTML.</summary>
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static async Task WriteAsync(Stream output, TableContent content, IEnumerable<CsvReader> records, CancellationToken cancellationToken)
    {
        var pipe = PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: true));
        await using var json = new Utf8JsonWriter(pipe, s_options);
        json.WriteStartObject();
        json.WriteStartArray("columns");
        foreach (var name in content.Columns)
        {
            json.WriteStringValue(name);
        }
        json.WriteEndArray();
        json.WriteStartArray("rows");
        var width = content.Columns.Count;
        var utf8 = content.TextEncoding is UTF8Encoding;
        foreach (var reader in records)
        {
            json.WriteStartArray();
            for (var i = 0; i < width; i++)
            {
                var cell = i < reader.FieldCount ? reader.GetSpan(i) : [];
                if (utf8)
                {
                    json.WriteStringValue(cell);
                }
                else
                {
                    json.WriteStringValue(content.TextEncoding.GetString(cell));
                }
            }
            json.WriteEndArray();
            if (json.BytesPending >= FlushBytes)
            {
                json.Flush(); // into the pipe's memory; the pipe writes it out
                await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
        await pipe.CompleteAsync().ConfigureAwait(false);
    }
}
