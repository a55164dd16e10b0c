using Microsoft.Net.Http.Headers;
using TsvLive.Errors;
using TsvLive.Limits;
using TsvLive.Tables.Export;
using TsvLive.Tables.Paging;

namespace TsvLive.Api;

/// <summary><c>GET /api/tables/{id}/export</c>: the table, or a view of it, whole, as CSV, TSV, JSON or Excel.</summary>
internal static class ExportApi
{
    public static RouteGroupBuilder MapExport(this RouteGroupBuilder tables)
    {
        tables.MapGet("/{id}/export", ExportAsync);
        return tables;
    }

    /// <summary>Checked whole before the answer starts (format, view, size); then streamed.</summary>
    private static async Task ExportAsync(
        string id, string? format, string[]? sort, string[]? filter, string? q, string? formulas, string? version, HttpContext http, PageReader pages, PageReadGate gate,
        CancellationToken cancellationToken)
    {
        var writeAs = ExportFormats.FromRequest(format);
        var guardFormulas = formulas switch
        {
            null or "" => true,
            "keep" => false,
            _ => throw new InvalidChoiceException("formulas", formulas, "formulas=keep to write formulas as they are, or leave it out"),
        };
        var client = http.ClientKey();
        using var reading = await gate.EnterAsync(client, cancellationToken);
        var viewed = await pages.ViewAsync(id, new PageQuery(Sort: sort, Filter: filter, Q: q, Version: TablesApi.ParseOrNull<int>(version, "version")), client, cancellationToken);
        TableExport.ThrowIfImpossible(viewed, writeAs);

        http.Response.ContentType = writeAs.ContentType();
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(TableExport.FileName(viewed, writeAs));
        http.Response.Headers.ContentDisposition = disposition.ToString();
        http.Response.Headers["X-Export-Rows"] = viewed.RowCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await TableExport.WriteAsync(http.Response.Body, viewed, writeAs, guardFormulas, cancellationToken);
    }
}
