using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Limits;
using TsvLive.Operations;
using TsvLive.Tables;
using TsvLive.Tables.Appends;
using TsvLive.Tables.Changes;
using TsvLive.Tables.Ingest;
using TsvLive.Tables.Paging;
using TsvLive.Tables.Registry;
using TsvLive.Tables.Text;
using TsvLive.Tables.Uploads;
using TsvLive.Tables.Views;

namespace TsvLive.Api;

/// <summary>The HTTP API of the contract: create, replace, metadata, pages and the original file.</summary>
internal static class TablesApi
{
    public const string EditKeyHeader = "X-Edit-Key";

    public static IEndpointRouteBuilder MapTablesApi(this IEndpointRouteBuilder app)
    {
        var tables = app.MapGroup("/api/tables");
        tables.MapPost("/", CreateAsync);
        tables.MapPut("/{id}", ReplaceAsync);
        tables.MapDelete("/{id}", DeleteAsync);
        tables.MapPost("/{id}/rows", AppendAsync);
        tables.MapPost("/{id}/reread", RereadAsync);
        tables.MapGet("/{id}", GetInfo);
        tables.MapGet("/{id}/rows", GetRows);
        tables.MapGet("/{id}/file", GetFile);
        tables.MapGet("/{id}/versions", GetVersions);
        tables.MapGet("/{id}/changes", GetChanges);
        tables.MapGet("/{id}/columns/{column}", GetColumnStats);
        tables.MapGet("/{id}/cells/{row}/{column}", GetCellAsync);
        tables.MapExport();
        return app;
    }

    private static async Task<Created<TableCreated>> CreateAsync(
        HttpRequest request, string? name, string? separator, UploadService uploads, IOptions<TsvLiveOptions> options, CancellationToken cancellationToken)
    {
        var readWith = SeparatorNames.FromRequest(separator);
        var body = await UploadBody.OpenAsync(request, options.Value.MaxUploadBytes, cancellationToken);
        var links = TableLinks.For(request, options.Value.PublicBaseUrl);
        var (table, version, editKey) = await uploads.CreateAsync(
            body.Stream.ReadChunksAsync(cancellationToken), name ?? body.FileName, readWith, new Uploader(null, request.HttpContext.ClientKey()), cancellationToken);
        return TypedResults.Created($"/t/{table.Id}", TableCreated.Of(table, version, links, editKey));
    }

    private static async Task<Ok<TableInfo>> ReplaceAsync(
        string id, HttpRequest request, string? name, string? separator, TableStore store, UploadService uploads, IOptions<TsvLiveOptions> options,
        CancellationToken cancellationToken)
    {
        // The key first: a stranger's body is not read at all.
        var editKey = request.Headers[EditKeyHeader].FirstOrDefault();
        (await store.GetAsync(id, cancellationToken)).RequireEditKey(editKey);
        var readWith = SeparatorNames.FromRequest(separator);
        var body = await UploadBody.OpenAsync(request, options.Value.MaxUploadBytes, cancellationToken);
        var (table, version) = await uploads.ReplaceAsync(
            id, editKey, body.Stream.ReadChunksAsync(cancellationToken), name ?? body.FileName, readWith, new Uploader(null, request.HttpContext.ClientKey()),
            cancellationToken);
        return TypedResults.Ok(TableInfo.Of(table, version));
    }

    /// <summary>
    /// Appends the body's records to the current version. The body may be streamed for as long as its
    /// producer runs (tail -f | curl): no stall rule, no minimum data rate; each complete record is
    /// readable as soon as it has arrived.
    /// </summary>
    private static async Task<Ok<Appended>> AppendAsync(string id, HttpRequest request, TableAppender appender, CancellationToken cancellationToken)
    {
        var features = request.HttpContext.Features;
        if (features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null; // a producer may be quiet for minutes between two lines
        }
        if (features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null; // the table's whole size is checked as the records arrive
        }
        var result = await appender.AppendAsync(
            id, request.Headers[EditKeyHeader].FirstOrDefault(), request.Body.ReadChunksAsync(cancellationToken), new Uploader(null, request.HttpContext.ClientKey()),
            cancellationToken);
        return TypedResults.Ok(Appended.Of(result));
    }

    /// <summary>Deletes the table, every version of it, for the holder of its edit key; its watchers are told.</summary>
    private static async Task<NoContent> DeleteAsync(string id, HttpRequest request, TableDeletion deletion, CancellationToken cancellationToken)
    {
        await deletion.DeleteAsync(id, request.Headers[EditKeyHeader].FirstOrDefault(), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The current version's bytes read again with another separator, published as the next version.</summary>
    private static async Task<Ok<TableInfo>> RereadAsync(string id, HttpRequest request, string? separator, UploadService uploads, CancellationToken cancellationToken)
    {
        var editKey = request.Headers[EditKeyHeader].FirstOrDefault();
        var (table, version) = await uploads.RereadAsync(id, editKey, separator, new Uploader(null, request.HttpContext.ClientKey()), cancellationToken);
        return TypedResults.Ok(TableInfo.Of(table, version));
    }

    private static async Task<Ok<TableInfo>> GetInfo(string id, string? version, TableStore store, CancellationToken cancellationToken)
    {
        var table = await store.GetAsync(id, cancellationToken);
        return TypedResults.Ok(TableInfo.Of(table, await store.VersionAsync(table, ParseOrNull<int>(version, "version"), cancellationToken)));
    }

    /// <summary>A page of the changes between two kept versions (by default the current one and the one before).</summary>
    private static async Task<Ok<TableChangesPage>> GetChanges(
        string id, string? from, string? to, string? page, string? pageSize, HttpContext http, ChangesReader changes, PageReadGate gate,
        CancellationToken cancellationToken)
    {
        var client = http.ClientKey();
        using var reading = await gate.EnterAsync(client, cancellationToken);
        var query = new ChangesQuery(ParseOrNull<int>(from, "from"), ParseOrNull<int>(to, "to"), ParseOrNull<long>(page, "page"), ParseOrNull<int>(pageSize, "pageSize"));
        return TypedResults.Ok(TableChangesPage.Of(await changes.ReadAsync(id, query, client, cancellationToken)));
    }

    /// <summary>The versions kept, newest (the current one) first.</summary>
    private static async Task<Ok<VersionInfo[]>> GetVersions(string id, TableStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.GetAsync(id, cancellationToken)).Versions.Select(VersionInfo.Of).ToArray());

    /// <summary>A page, checked before the answer starts and then written as its rows are read.</summary>
    private static async Task GetRows(
        string id, string? page, string? pageSize, string[]? sort, string[]? filter, string? q, string? version, HttpContext http, PageReader pages,
        PageReadGate gate, TsvLiveMetrics metrics, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var client = http.ClientKey();
        using var reading = await gate.EnterAsync(client, cancellationToken);
        var request = new PageQuery(ParseOrNull<long>(page, "page"), ParseOrNull<int>(pageSize, "pageSize"), sort, filter, q, ParseOrNull<int>(version, "version"));
        var plan = await pages.PlanAsync(id, request, client, cancellationToken);
        await PageJson.WriteAsync(http.Response, plan, cancellationToken);
        metrics.PageRead(Stopwatch.GetElapsedTime(started));
    }

    /// <summary>One whole cell as text (pages carry long cells cut); with <c>download</c>, as an attachment.</summary>
    private static async Task<FileContentHttpResult> GetCellAsync(
        string id, string row, string column, bool? download, HttpContext http, PageReader pages, PageReadGate gate, CancellationToken cancellationToken)
    {
        using var reading = await gate.EnterAsync(http.ClientKey(), cancellationToken);
        var (rowNumber, columnNumber) = (ParseOrNull<long>(row, "row") ?? 0, ParseOrNull<int>(column, "column") ?? 0);
        var (text, version) = await pages.ReadCellAsync(id, rowNumber, columnNumber, cancellationToken);
        var name = download == true ? $"{Path.GetFileNameWithoutExtension(version.Name)}-row{rowNumber}-column{columnNumber}.txt" : null;
        return TypedResults.Bytes(text, "text/plain; charset=utf-8", name);
    }

    private static async Task<Ok<ColumnStats>> GetColumnStats(string id, string column, HttpContext http, ColumnStatsReader stats, CancellationToken cancellationToken) =>
        TypedResults.Ok(await stats.ReadAsync(id, ParseOrNull<int>(column, "column") ?? 0, http.ClientKey(), cancellationToken));

    private static async Task<FileStreamHttpResult> GetFile(string id, string? version, TableStore store, CancellationToken cancellationToken)
    {
        var table = await store.GetAsync(id, cancellationToken);
        var read = await store.VersionAsync(table, ParseOrNull<int>(version, "version"), cancellationToken);
        var content = read.Content();
        if (!content.Complete)
        {
            throw TableArrivingException.ForTheFile();
        }
        return TypedResults.Stream(content.Raw.OpenRead(0, content.SizeBytes), "text/tab-separated-values", TableNames.ForDownload(read.Name));
    }

    internal static T? ParseOrNull<T>(string? value, string name) where T : struct, IBinaryInteger<T>
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        return T.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new InvalidPageRequestException($"'{name}' must be a whole number; '{(value.Length > 20 ? value[..20] + "…" : value)}' is not.");
    }
}
