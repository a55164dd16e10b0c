using System.Diagnostics;
using CsvHelper;
using TsvLive.Errors;
using TsvLive.Tables.Columns;
using TsvLive.Tables.Text;

namespace TsvLive.Tables.Ingest;

/// <summary>
/// Finds where every record of a growing text starts, with CsvHelper, while the text arrives.
/// Reads as <see cref="Dialect.Quoted"/> first; a quote that breaks RFC 4180 (a quoted field never
/// closed, text after a closing quote) starts it again as <see cref="Dialect.Plain"/>, so one bad quote
/// cannot swallow the rest of the file.
/// </summary>
internal sealed class TsvIndexer(GrowingText text, int? maxRecordBytes, int maxColumns, int maxHeaderBytes)
{
    private static readonly long s_publishInterval = Stopwatch.Frequency / 20; // 50 ms
    private const int ReadBufferSize = 1 << 20;
    private const int RecordsBetweenClockReads = 4096;

    private IndexedText _latest = IndexedText.Empty;

    /// <summary>The records found so far; safe to read from any thread.</summary>
    public IndexedText Latest => Volatile.Read(ref _latest);

    /// <summary>Indexes the whole text; a file it cannot read fails with an <see cref="InvalidUploadException"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!await IndexAsync(Dialect.Quoted, cancellationToken).ConfigureAwait(false))
            {
                await IndexAsync(Dialect.Plain, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (CsvFormatException e)
        {
            // MaxRecordSize is the only reason CsvHelper throws with these options.
            throw new InvalidUploadException("A record is too large",
                $"Record {e.RecordNumber} is larger than the limit of {Sizes.Describe(maxRecordBytes ?? 0)} per record " +
                "(a quote that never closes makes one record of the rest of the file). " +
                "Check that the file is tab-separated text, or split the record.");
        }
    }

    /// <summary>
    /// The column names as read. Every piece of table info carries them, so they have their own limit
    /// (a 20 MB header would make every info answer and every notice 20 MB).
    /// </summary>
    private List<byte[]> ReadHeader(CsvReader reader)
    {
        var header = new List<byte[]>(reader.FieldCount);
        long bytes = 0;
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var field = reader.GetSpan(i);
            bytes += field.Length;
            if (bytes > maxHeaderBytes)
            {
                throw new InvalidUploadException("Header too large",
                    $"The header row (the column names) is larger than the limit of {Sizes.Describe(maxHeaderBytes)}. " +
                    "Check that the first line of the file names the columns, and shorten the names.");
            }
            header.Add(field.ToArray());
        }
        return header;
    }

    /// <summary>Indexes the whole text in <paramref name="dialect"/>; false when it turned out to be the wrong one.</summary>
    private async Task<bool> IndexAsync(Dialect dialect, CancellationToken cancellationToken)
    {
        var brokenQuote = false;
        var options = TsvFormat.Options(dialect, maxRecordBytes, dialect == Dialect.Quoted
            ? record => brokenQuote |= record.Reason is CsvMalformedReason.UnterminatedQuote or CsvMalformedReason.TextAfterClosingQuote
            : null);

        var index = new RecordIndex();
        var types = new ColumnTypeTracker();
        List<byte[]>? header = null;
        var fieldCount = 0;
        var lastPublish = Stopwatch.GetTimestamp();
        var sinceClockRead = 0;

        var reader = CsvReader.Create(text.OpenReader(0), options with { BufferSize = ReadBufferSize }, leaveOpen: false);
        await using (reader.ConfigureAwait(false))
        {
            while (true)
            {
                var next = reader.ReadAsync(cancellationToken);
                if (!next.IsCompleted || (++sinceClockRead == RecordsBetweenClockReads && PublishIsDue()))
                {
                    // About to wait for bytes (or busy for a while): let readers see what is indexed.
                    Publish(finished: false);
                    lastPublish = Stopwatch.GetTimestamp();
                }
                if (!await next.ConfigureAwait(false))
                {
                    break;
                }
                if (brokenQuote)
                {
                    return false;
                }
                if (reader.FieldCount > maxColumns)
                {
                    throw new InvalidUploadException("Too many columns",
                        $"A record has {reader.FieldCount:N0} fields; TsvLive shows at most {maxColumns:N0} columns. " +
                        "Check that the file is tab-separated text, or split its columns into several files.");
                }
                fieldCount = Math.Max(fieldCount, reader.FieldCount);
                if (header is null)
                {
                    header = ReadHeader(reader);
                    continue;
                }
                index.Add(reader.ByteOffset);
                types.Observe(reader);
            }
        }
        if (brokenQuote)
        {
            return false;
        }
        Publish(finished: true);
        return true;

        bool PublishIsDue()
        {
            sinceClockRead = 0;
            return Stopwatch.GetTimestamp() - lastPublish > s_publishInterval;
        }

        void Publish(bool finished) => Volatile.Write(ref _latest,
            new IndexedText(dialect, index, index.RecordCount, header, fieldCount, finished, types.Snapshot(Math.Max(fieldCount, header?.Count ?? 0))));
    }
}
