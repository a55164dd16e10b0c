using System.Runtime.ExceptionServices;
using System.Text;
using TsvLive.Errors;
using TsvLive.Tables.Text;

namespace TsvLive.Tables.Ingest;

/// <summary>
/// Takes one uploaded file chunk by chunk: keeps its bytes, transcodes them to UTF-8 where needed and
/// indexes the records as they arrive, so the rows received so far can be read before the end.
/// Nothing is visible to anyone until the caller publishes it (as an <see cref="ITableContentSource"/>).
/// One thread appends; any thread may take <see cref="Latest"/>, built only from objects published
/// with a memory barrier (<see cref="Source"/> by this class, the indexer's results by the indexer).
/// </summary>
internal sealed class TableIngest : IAsyncDisposable, ITableContentSource
{
    private readonly ByteSegments _raw = new();
    private readonly long _maxBytes;
    private readonly int? _maxRecordBytes;
    private readonly int _maxColumns;
    private readonly int _maxHeaderBytes;
    private readonly Separator? _separator;
    private readonly Utf8Validator _utf8 = new();
    private readonly CancellationTokenSource _stop = new();
    private GrowingText? _text;
    private Utf8Transcoder? _transcoder;
    private TsvIndexer? _indexer;
    private Task? _indexing;
    private SourceEncoding? _encoding;
    private bool _sniffed;
    private TableContent? _cached;
    private Source? _source;

    /// <summary>What readers need of the upload's own state, published whole (never changed in place).</summary>
    private sealed record Source(ByteSegments Text, TsvIndexer Indexer, Encoding Encoding, string EncodingName);

    /// <param name="limits">The upload size, record size and column limits (the rest of the options is not used).</param>
    /// <param name="separator">The separator to read with; null: detected from the text's start.</param>
    public TableIngest(TsvLiveOptions limits, Separator? separator = null)
    {
        _separator = separator;
        _maxBytes = limits.MaxUploadBytes;
        _maxRecordBytes = limits.MaxRecordBytes;
        _maxColumns = limits.MaxColumns;
        _maxHeaderBytes = limits.MaxHeaderBytes;
    }

    public long BytesReceived => _raw.Length;

    /// <summary>The bytes received so far, exactly as uploaded (append-only).</summary>
    public ByteSegments Raw => _raw;

    /// <summary>The memory the upload holds so far, counted as <see cref="TableContent.HeldBytes"/> counts it.</summary>
    public long HeldBytes => TableContent.HeldBy(_raw, _text?.Bytes ?? _raw, (_indexer?.Latest ?? IndexedText.Empty).Index);

    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (_raw.Length + chunk.Length > _maxBytes)
        {
            throw new UploadTooLargeException(_maxBytes);
        }
        _raw.Append(chunk);
        if (_encoding is null)
        {
            StartWhenEncodingIsKnown(final: false);
        }
        else
        {
            AppendText(chunk);
        }
        PublishSource();
        ThrowIfIndexingFailed();
        SniffOnce(final: false);
    }

    /// <summary>Ends the input and waits until every record is indexed.</summary>
    public async Task<TableContent> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_encoding is null)
        {
            StartWhenEncodingIsKnown(final: true);
        }
        SniffOnce(final: true);
        if (_transcoder is not null)
        {
            _transcoder.Transcode([], final: true, _text!.Append);
        }
        _utf8.Complete();
        PublishSource();
        _text?.Complete();
        if (_indexing is not null)
        {
            await _indexing.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        var content = Latest;
        if (!content.Complete || content.Columns.Count == 0)
        {
            throw new InvalidUploadException("The file is empty",
                "The file has no header row: it is empty or holds only blank lines. Upload a tab-separated file whose first line names the columns.");
        }
        _raw.TrimExcess();
        if (!ReferenceEquals(_text!.Bytes, _raw))
        {
            _text.Bytes.TrimExcess();
        }
        return content;
    }

    /// <summary>What has been received and indexed so far; safe to take from any thread.</summary>
    public TableContent Latest
    {
        get
        {
            var source = Volatile.Read(ref _source);
            var indexed = source?.Indexer.Latest ?? IndexedText.Empty;
            var encoding = source?.Encoding ?? Encoding.UTF8;
            var cached = Volatile.Read(ref _cached);
            if (cached is not null && ReferenceEquals(cached.Index, indexed.Index) && cached.RowCount == indexed.RowCount
                && cached.TextEncoding == encoding && cached.Complete == indexed.Finished)
            {
                return cached;
            }
            // Names are decoded again only when the header, the width or the encoding changed (a restart
            // in the plain dialect reads a new header, so the same width is not enough).
            var columns = cached is not null && ReferenceEquals(cached.HeaderFields, indexed.HeaderFields)
                && cached.Columns.Count == indexed.FieldCount && ReferenceEquals(cached.TextEncoding, encoding)
                ? cached.Columns
                : TableContent.ColumnNames(indexed.HeaderFields, indexed.FieldCount, encoding);
            var text = source?.Text ?? _raw;
            // A finished file's size is fixed here: rows appended later grow the same bytes, not this version's size.
            var content = new TableContent(_raw, text, indexed, encoding, columns, text.Length, indexed.Finished,
                source?.EncodingName ?? "UTF-8", rawLength: indexed.Finished ? _raw.Length : null);
            Volatile.Write(ref _cached, content);
            return content;
        }
    }

    public TableContent Snapshot() => Latest;

    /// <summary>UTF-8, or Windows-1252 for a file that is not valid UTF-8 (transcoded text is always UTF-8).</summary>
    private Encoding TextEncoding => _transcoder is not null || _utf8.IsValid ? Encoding.UTF8 : SourceEncodings.Windows1252;

    /// <summary>Publishes what readers need when it changed: once the encoding is known, and when UTF-8 turns out invalid.</summary>
    private void PublishSource()
    {
        if (_text is not null && _indexer is not null && _source?.Encoding != TextEncoding)
        {
            Volatile.Write(ref _source, new Source(_text.Bytes, _indexer, TextEncoding, SourceEncodings.Name(_encoding, TextEncoding)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _text?.Complete();
        if (_indexing is not null)
        {
            await _indexing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _stop.Dispose();
    }

    private void StartWhenEncodingIsKnown(bool final)
    {
        var head = new byte[(int)Math.Min(_raw.Length, SourceEncodings.DetectionLength)];
        _raw.CopyTo(0, head);
        _encoding = SourceEncodings.Detect(head, final);
        if (_encoding is not { } encoding)
        {
            return;
        }
        if (SourceEncodings.TranscodeFrom(encoding) is { } source)
        {
            _transcoder = new Utf8Transcoder(source);
            _text = new GrowingText(new ByteSegments());
        }
        else
        {
            _text = new GrowingText(_raw);
        }
        _indexer = new TsvIndexer(_text, _separator, _maxRecordBytes, _maxColumns, _maxHeaderBytes);
        _indexing = Task.Run(() => _indexer.RunAsync(_stop.Token));

        // The bytes so far: stored already for UTF-8; to transcode (after the byte order mark) otherwise.
        var sofar = new byte[_raw.Length];
        _raw.CopyTo(0, sofar);
        if (_transcoder is not null)
        {
            _transcoder.Transcode(sofar.AsSpan(SourceEncodings.BomLength(encoding)), final: false, _text.Append);
        }
        else
        {
            _utf8.Append(sofar);
            _text.Grew();
        }
    }

    private void AppendText(ReadOnlySpan<byte> chunk)
    {
        if (_transcoder is not null)
        {
            _transcoder.Transcode(chunk, final: false, _text!.Append);
        }
        else
        {
            // The raw bytes are the text: tell the indexer they are there.
            _utf8.Append(chunk);
            _text!.Grew();
        }
    }

    /// <summary>
    /// Refuses a file that is plainly not text, once: as soon as its first bytes (and so its encoding)
    /// are known, or at the end of a shorter file.
    /// </summary>
    private void SniffOnce(bool final)
    {
        if (!_sniffed && _encoding is { } encoding && (final || _raw.Length >= BinarySniffer.SniffLength))
        {
            _sniffed = true;
            BinarySniffer.ThrowIfBinary(_raw, encoding);
        }
    }

    /// <summary>Stops the upload as soon as the indexer found the file unreadable, rather than at its end.</summary>
    private void ThrowIfIndexingFailed()
    {
        if (_indexing is { IsFaulted: true } failed && failed.Exception?.InnerException is TsvLiveException e)
        {
            ExceptionDispatchInfo.Throw(e);
        }
    }
}
