using CsvHelper;

namespace TsvLive.Tables.Text;

/// <summary>The one place that says how CsvHelper reads a file's records, for indexing and for page reads alike.</summary>
internal static class RecordFormat
{
    private static readonly CsvReaderOptions[] s_options =
        [.. SeparatorNames.All.SelectMany(s => new[] { Options(s, Dialect.Quoted, null, null), Options(s, Dialect.Plain, null, null) })];

    /// <summary>Options for reading records from a record start (no header handling: the caller knows which record is the header).</summary>
    public static CsvReaderOptions Options(Separator separator, Dialect dialect) =>
        s_options[(int)separator * 2 + (dialect == Dialect.Quoted ? 0 : 1)];

    public static CsvReaderOptions Options(Separator separator, Dialect dialect, int? maxRecordBytes, Action<CsvMalformedRecord>? onMalformed) => new()
    {
        // Always explicit: CsvHelper's detection picks ',' for TSVs whose cells contain commas.
        Separator = separator.ToChar(),
        HasHeader = false,
        Mode = dialect == Dialect.Quoted ? CsvMode.Rfc4180 : CsvMode.NoEscape,
        SkipEmptyLines = true,
        DetectSeparatorHint = false,
        // Cell values never travel in exception messages (logs, clients).
        IncludeValuesInExceptions = false,
        MaxRecordSize = maxRecordBytes,
        OnMalformedRecord = onMalformed,
    };
}
