using System.Text;
using CsvHelper;
using TsvLive.Errors;
using TsvLive.Tables.Columns;
using TsvLive.Tables.Text;

namespace TsvLive.Tables.Ingest;

/// <summary>
/// Finds the complete records among bytes appended to a complete version's text, as they arrive: in
/// the version's separator and dialect, each record's start added to the version's own (append-only)
/// index, its cells to the column types. A record is complete once a line end follows it outside
/// quotes; at the end of a request's body the last one is complete without one, and one whose quote
/// never closed is dropped. Gives immutable snapshots readers can page.
/// </summary>
internal sealed class AppendParser
{
    private readonly TableContent _base;
    private readonly ColumnTypeTracker _types;
    private readonly int _maxColumns;
    private readonly int _maxRecordBytes;
    private readonly Encoding? _rawEncoding;
    private long _committed;
    private long _rawCommitted;
    private long _rows;
    private int _fieldCount;

    /// <param name="rawEncoding">The encoding of the version's bytes when its text is a UTF-8 copy of them (UTF-16, UTF-32); else null.</param>
    public AppendParser(TableContent content, TsvLiveOptions limits, Encoding? rawEncoding = null)
    {
        _base = content;
        _rawEncoding = rawEncoding;
        _types = ColumnTypeTracker.From(content.ColumnTypes);
        _maxColumns = limits.MaxColumns;
        _maxRecordBytes = limits.MaxRecordBytes;
        _committed = content.TextLength;
        _rawCommitted = content.SizeBytes;
        _rows = content.RowCount;
        _fieldCount = content.Columns.Count;
    }

    /// <summary>Where the text of the complete records ends: the next record starts here.</summary>
    public long Committed => _committed;

    /// <summary>Where the bytes of the complete records end, in the version's own encoding (the stored file's length).</summary>
    public long RawCommitted => _rawCommitted;

    public long RowCount => _rows;

    /// <summary>
    /// Takes in the complete records that arrived since the last call; <paramref name="final"/>: the
    /// body ended, so its last record is complete as it is. The records found.
    /// </summary>
    public int Parse(bool final)
    {
        var text = _base.Text;
        var end = text.Length;
        var cut = final ? end : LastLineEnd(text, _committed, end);
        if (cut <= _committed)
        {
            return 0;
        }
        // The reader may parse ahead of the record it returns: the open quote is told by its record's number.
        var unterminated = long.MaxValue;
        var options = RecordFormat.Options(_base.Separator, _base.Dialect, _maxRecordBytes, record =>
        {
            if (record.Reason == CsvMalformedReason.UnterminatedQuote)
            {
                unterminated = Math.Min(unterminated, record.RecordNumber);
            }
        });
        var found = 0;
        var next = cut;
        using (var reader = CsvReader.Create(text.OpenRead(_committed, cut), options))
        {
            while (reader.Read())
            {
                if (found + 1 >= unterminated)
                {
                    // Its quote is still open where the bytes end: not complete (yet).
                    next = _committed + reader.ByteOffset;
                    break;
                }
                if (reader.FieldCount > _maxColumns)
                {
                    throw new InvalidUploadException("Too many columns",
                        $"An appended record has {reader.FieldCount:N0} fields; TsvLive shows at most {_maxColumns:N0} columns.");
                }
                _base.Index.Add(_committed + reader.ByteOffset);
                _types.Observe(reader);
                _fieldCount = Math.Max(_fieldCount, reader.FieldCount);
                found++;
            }
        }
        _rows += found;
        _rawCommitted += RawLength(_committed, next);
        _committed = next;
        return found;
    }

    /// <summary>
    /// The version with the records found so far: the same bytes and index (longer), more rows, the
    /// columns widened when a record was wider, the types as they are now.
    /// </summary>
    public TableContent Snapshot()
    {
        var width = Math.Max(_fieldCount, _base.Columns.Count);
        var columns = width == _base.Columns.Count ? _base.Columns : TableContent.ColumnNames(_base.HeaderFields, width, _base.TextEncoding);
        var indexed = new IndexedText(_base.Separator, _base.Dialect, _base.Index, _rows, _base.HeaderFields, width, Finished: true, _types.Snapshot(width));
        return new TableContent(_base.Raw, _base.Text, indexed, _base.TextEncoding, columns, _committed, complete: true, _base.EncodingName, rawLength: _rawCommitted);
    }

    /// <summary>How many bytes of the version's own encoding the text in [start, end) came from.</summary>
    private long RawLength(long start, long end)
    {
        if (_rawEncoding is null || end <= start)
        {
            return end - start;
        }
        var text = new byte[end - start];
        _base.Text.CopyTo(start, text);
        return _rawEncoding.GetByteCount(Encoding.UTF8.GetString(text));
    }

    /// <summary>Just past the last line end (LF or CR) in [start, end), or start when there is none.</summary>
    private static long LastLineEnd(ByteSegments text, long start, long end)
    {
        var position = end;
        foreach (var segment in text.Segments(start, end).Reverse())
        {
            var at = segment.Span.LastIndexOfAny((byte)'\n', (byte)'\r');
            if (at >= 0)
            {
                return position - segment.Length + at + 1;
            }
            position -= segment.Length;
        }
        return start;
    }
}
