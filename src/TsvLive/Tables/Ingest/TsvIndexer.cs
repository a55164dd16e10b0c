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
/// cannot swallow the rest of the file. The separator is the one given, else detected first from the
/// text's start (<see cref="SeparatorDetector"/>).
/// </summary>
internal sealed class TsvIndexer(GrowingText text, Separator? separator, int? maxRecordBytes, int maxColumns, int maxHeaderBytes)
{
    private static readonly long s_publishInterval = Stopwatch.Frequency / 20; // 50 ms
    private const int ReadBufferSize = 1 << 20;
    private const int RecordsBetweenClockReads = 4096;

    private IndexedText _latest = IndexedText.Empty;
    private Separator _reading;
    private bool _separatorKnown;

    /// <summary>The records found so far; safe to read from any thread.</summary>
    public IndexedText Latest => Volatile.Read(ref _latest);

    /// <summary>Indexes the whole text; a file it cannot read fails with an <see cref="InvalidUploadException"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            _reading = separator ?? await FirstGuessAsync(cancellationToken).ConfigureAwait(false);
            _separatorKnown = separator is not null;
            var dialect = Dialect.Quoted;
            while (true)
            {
                switch (await IndexAsync(_reading, dialect, cancellationToken).ConfigureAwait(false))
                {
                    case Outcome.Finished:
                        return;
                    case Outcome.BrokenQuote:
                        dialect = Dialect.Plain;
                        break;
                    case Outcome.OtherSeparator:
                        dialect = Dialect.Quoted;
                        break;
                }
            }
        }
        catch (CsvFormatException e)
        {
            // MaxRecordSize is the only reason CsvHelper throws with these options.
            throw new InvalidUploadException("A record is too large",
                $"Record {e.RecordNumber} is larger than the limit of {Sizes.Describe(maxRecordBytes ?? 0)} per record " +
                "(a quote that never closes makes one record of the rest of the file). " +
                "Check that the file is delimited text (tab, comma, semicolon or pipe), or split the record.");
        }
    }

    private enum Outcome
    {
        Finished,

        /// <summary>A quote broke RFC 4180: read again in the plain dialect.</summary>
        BrokenQuote,

        /// <summary>The whole sample showed another separator than the first guess: read again with it.</summary>
        OtherSeparator,
    }

    /// <summary>
    /// The separator of the first bytes (waits for some): a guess, so rows can be read while a file
    /// arrives, until <see cref="SeparatorSettled"/> looks at the whole sample.
    /// </summary>
    private async Task<Separator> FirstGuessAsync(CancellationToken cancellationToken)
    {
        await using (var start = text.OpenReader(0))
        {
            _ = await start.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false);
        }
        return Detect(out _separatorKnown);
    }

    /// <summary>
    /// Once the text holds <see cref="SeparatorDetector.SampleBytes"/> (or is complete), detects its
    /// separator for good; true when that is not the one being read with.
    /// </summary>
    private bool SeparatorSettled()
    {
        if (_separatorKnown || !(text.IsComplete || text.Bytes.Length >= SeparatorDetector.SampleBytes))
        {
            return false;
        }
        var detected = Detect(out _separatorKnown);
        if (!_separatorKnown || detected == _reading)
        {
            return false;
        }
        _reading = detected;
        return true;
    }

    /// <summary>The separator of the text so far; <paramref name="final"/> when that covered the whole sample.</summary>
    private Separator Detect(out bool final)
    {
        var complete = text.IsComplete; // before the length: a complete text's length is its last
        var length = (int)Math.Min(text.Bytes.Length, SeparatorDetector.SampleBytes);
        final = complete || length == SeparatorDetector.SampleBytes;
        var sample = new byte[length];
        text.Bytes.CopyTo(0, sample);
        return SeparatorDetector.Detect(sample, whole: complete && text.Bytes.Length <= SeparatorDetector.SampleBytes);
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

    /// <summary>Indexes the whole text in <paramref name="dialect"/>, unless it or the separator turned out to be the wrong one.</summary>
    private async Task<Outcome> IndexAsync(Separator reading, Dialect dialect, CancellationToken cancellationToken)
    {
        var brokenQuote = false;
        var options = RecordFormat.Options(reading, dialect, maxRecordBytes, dialect == Dialect.Quoted
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
                    return Outcome.BrokenQuote;
                }
                if (!_separatorKnown && SeparatorSettled())
                {
                    return Outcome.OtherSeparator;
                }
                if (reader.FieldCount > maxColumns)
                {
                    throw new InvalidUploadException("Too many columns",
                        $"A record has {reader.FieldCount:N0} fields; TsvLive shows at most {maxColumns:N0} columns. " +
                        "Check that the file is delimited text with the right separator, or split its columns into several files.");
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
            return Outcome.BrokenQuote;
        }
        if (SeparatorSettled())
        {
            return Outcome.OtherSeparator;
        }
        Publish(finished: true);
        return Outcome.Finished;

        bool PublishIsDue()
        {
            sinceClockRead = 0;
            return Stopwatch.GetTimestamp() - lastPublish > s_publishInterval;
        }

        void Publish(bool finished) => Volatile.Write(ref _latest,
            new IndexedText(reading, dialect, index, index.RecordCount, header, fieldCount, finished, types.Snapshot(Math.Max(fieldCount, header?.Count ?? 0))));
    }
}
