using System.Text;
using TsvLive.Tables.Columns;
using TsvLive.Tables.Text;

namespace TsvLive.Tables;

/// <summary>
/// One version's data as readers see it at one moment: immutable. While a new table is still
/// arriving, each look at it gives a newer snapshot with more rows.
/// </summary>
internal sealed class TableContent(
    ByteSegments raw,
    ByteSegments text,
    IndexedText indexed,
    Encoding textEncoding,
    IReadOnlyList<string> columns,
    long textLength,
    bool complete,
    string encodingName = "UTF-8",
    long? rawLength = null) : ITableContentSource
{
    /// <summary>The file exactly as uploaded.</summary>
    public ByteSegments Raw => raw;

    /// <summary>The file as UTF-8 (or single-byte) text: the same bytes as <see cref="Raw"/> unless it was transcoded.</summary>
    public ByteSegments Text => text;

    public RecordIndex Index => indexed.Index;
    public long RowCount => indexed.RowCount;
    public Separator Separator => indexed.Separator;
    public Dialect Dialect => indexed.Dialect;

    /// <summary>How CsvHelper reads this version's records (its separator and dialect).</summary>
    public CsvHelper.CsvReaderOptions ReaderOptions => RecordFormat.Options(Separator, Dialect);
    public Encoding TextEncoding => textEncoding;

    /// <summary>How the file's bytes were decoded, as a person names it: UTF-8, UTF-16, UTF-32 or Windows-1252.</summary>
    public string EncodingName => encodingName;
    public IReadOnlyList<string> Columns => columns;

    /// <summary>Each column's type (as many as <see cref="Columns"/>); while the table arrives, of the rows so far.</summary>
    public IReadOnlyList<ColumnType> ColumnTypes =>
        indexed.ColumnTypes.Count == columns.Count ? indexed.ColumnTypes : [.. Enumerable.Range(0, columns.Count).Select(i => i < indexed.ColumnTypes.Count ? indexed.ColumnTypes[i] : ColumnType.Text)];

    /// <summary>The header's fields as read (UTF-8 or single-byte), from which <see cref="Columns"/> were named.</summary>
    public IReadOnlyList<byte[]>? HeaderFields => indexed.HeaderFields;

    /// <summary>How much of <see cref="Text"/> this snapshot covers; the rows it counts lie below it.</summary>
    public long TextLength => textLength;

    public bool Complete => complete;
    /// <summary>The file's size: all of <see cref="Raw"/>, or (rows appended to it) up to the last complete record.</summary>
    public long SizeBytes => rawLength ?? raw.Length;

    /// <summary>What a table costs in memory besides its bytes and index (objects, header names, buffers), charged to the budget too.</summary>
    public const long OverheadBytes = 2048;

    /// <summary>
    /// The memory this version takes, as the budget counts it: the file, its UTF-8 copy when it was
    /// transcoded, the record index and a fixed overhead, so ten thousand tiny tables are not free.
    /// Taken when the snapshot is made: rows appended later grow the same bytes, and are counted (in
    /// the append's reservation, then in the next snapshot) without changing what this one was charged.
    /// </summary>
    public long HeldBytes { get; } = HeldBy(rawLength ?? raw.Length, raw, text, indexed.Index);

    public static long HeldBy(ByteSegments raw, ByteSegments text, RecordIndex index) => HeldBy(raw.Length, raw, text, index);

    /// <summary>What bytes and index hold, <paramref name="rawLength"/> of the bytes counted (a snapshot's, not what arrived since).</summary>
    public static long HeldBy(long rawLength, ByteSegments raw, ByteSegments text, RecordIndex index) =>
        rawLength + (ReferenceEquals(text, raw) ? 0 : text.Length) + index.SizeBytes + OverheadBytes;

    public TableContent Snapshot() => this;

    /// <summary>
    /// The column names: the header's, with a name that is empty, or missing because a record is
    /// wider than the header, given as "Column N" (N its 1-based position).
    /// </summary>
    public static IReadOnlyList<string> ColumnNames(IReadOnlyList<byte[]>? header, int fieldCount, Encoding encoding)
    {
        var names = new string[Math.Max(fieldCount, header?.Count ?? 0)];
        for (var i = 0; i < names.Length; i++)
        {
            var name = header is not null && i < header.Count ? encoding.GetString(header[i]) : "";
            names[i] = name.Length > 0 ? name : $"Column {i + 1}";
        }
        return names;
    }
}
