using System.Text.Json;
using TsvLive.Tables.Paging;

namespace TsvLive.Api;

/// <summary>
/// Writes a page as JSON (the same members as <see cref="TablePage"/>) straight to the response, row
/// by row as the rows are parsed: a client that reads slowly holds the server's socket buffers, not
/// a page built in memory.
/// </summary>
internal static class PageJson
{
    private const int FlushAfterBytes = 32 * 1024;

    public static async Task WriteAsync(HttpResponse response, PagePlan page, CancellationToken cancellationToken)
    {
        response.ContentType = "application/json; charset=utf-8";
        // Through the body stream: each write waits while Kestrel's response buffer is full (a slow client).
        await using var json = new Utf8JsonWriter(response.Body);
        json.WriteStartObject();
        json.WriteString("id", page.Id);
        json.WriteNumber("version", page.Version);
        json.WriteBoolean("complete", page.Content.Complete);
        json.WriteNumber("page", page.Page);
        json.WriteNumber("pageSize", page.PageSize);
        json.WriteNumber("totalRows", page.TotalRows);
        json.WriteNumber("totalPages", page.TotalPages);
        json.WriteNumber("tableRows", page.Content.RowCount);
        json.WriteStartArray("rowNumbers");
        foreach (var number in page.RowNumbers())
        {
            json.WriteNumberValue(number);
        }
        json.WriteEndArray();
        json.WriteStartObject("view");
        json.WriteStartArray("sort");
        foreach (var key in page.View.Sort)
        {
            json.WriteStringValue(key);
        }
        json.WriteEndArray();
        json.WriteStartArray("filter");
        foreach (var filter in page.View.Filter)
        {
            json.WriteStringValue(filter);
        }
        json.WriteEndArray();
        json.WriteString("q", page.View.Q);
        json.WriteEndObject();
        json.WriteStartArray("columns");
        foreach (var column in page.Content.Columns)
        {
            json.WriteStringValue(column);
        }
        json.WriteEndArray();
        json.WriteStartArray("rows");
        var cuts = new CellCuts(page.MaxCellBytes);
        foreach (var row in page.Rows(cuts))
        {
            json.WriteStartArray();
            foreach (var cell in row)
            {
                json.WriteStringValue(cell);
            }
            json.WriteEndArray();
            if (json.BytesPending > FlushAfterBytes)
            {
                // The next rows are read only when the client has taken these.
                await json.FlushAsync(cancellationToken);
            }
        }
        json.WriteEndArray();
        json.WriteStartArray("truncated");
        foreach (var cut in cuts.Cuts)
        {
            json.WriteStartObject();
            json.WriteNumber("row", cut.Row);
            json.WriteNumber("column", cut.Column);
            json.WriteNumber("length", cut.Length);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }
}
