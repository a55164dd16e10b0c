using TsvLive.Errors;

namespace TsvLive.Tables.Export;

/// <summary>What <c>GET /export</c> writes (contract v2, "Export").</summary>
internal enum ExportFormat
{
    Csv,
    Tsv,
    Json,
    Xlsx,
}

internal static class ExportFormats
{
    /// <summary>The format a request's <c>format</c> names (case-insensitive); an unknown word is refused.</summary>
    /// <exception cref="InvalidChoiceException">The word names no format.</exception>
    public static ExportFormat FromRequest(string? word) => word?.ToLowerInvariant() switch
    {
        "csv" => ExportFormat.Csv,
        "tsv" => ExportFormat.Tsv,
        "json" => ExportFormat.Json,
        "xlsx" => ExportFormat.Xlsx,
        _ => throw new InvalidChoiceException("format", word, "csv, tsv, json or xlsx (?format=csv)"),
    };

    public static string Extension(this ExportFormat format) => format switch
    {
        ExportFormat.Csv => ".csv",
        ExportFormat.Tsv => ".tsv",
        ExportFormat.Json => ".json",
        _ => ".xlsx",
    };

    public static string ContentType(this ExportFormat format) => format switch
    {
        ExportFormat.Csv => "text/csv; charset=utf-8",
        ExportFormat.Tsv => "text/tab-separated-values; charset=utf-8",
        ExportFormat.Json => "application/json; charset=utf-8",
        _ => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
}
