using CsvHelper;

namespace TsvLive.Tables.Text;

/// <summary>The one place that says how CsvHelper reads a TSV, for indexing and for page reads alike.</summary>
internal static class TsvFormat
{
    public const char Separator = '\t';

    private static readonly CsvReaderOptions s_quoted = Options(Dialect.Quoted, maxRecordBytes: null, onMalformed: null);
    private static readonly CsvReaderOptions s_plain = Options(Dialect.Plain, maxRecordBytes: null, onMalformed: null);

    /// <summary>Options for reading records from a record start (no header handling: the caller knows which record is the header).</summary>
    public static CsvReaderOptions Options(Dialect dialect) => dialect == Dialect.Quoted ? s_quoted : s_plain;

    public static CsvReaderOptions Options(Dialect dialect, int? maxRecordBytes, Action<CsvMalformedRecord>? onMalformed) => new()
    {
        // Always explicit: detection picks ',' for TSVs whose cells contain commas.
        Separator = Separator,
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
