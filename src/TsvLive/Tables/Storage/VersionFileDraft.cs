using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;
using TsvLive.Errors;
using TsvLive.Tables.Text;

namespace TsvLive.Tables.Storage;

/// <summary>
/// Writes a version's bytes to a temporary file of the data directory while they arrive: a writer
/// trails the upload and flushes to the disk every few megabytes, so when the last chunk is in, only
/// the tail is left to write and flush before the file is renamed into place. The file is created
/// with the first bytes; a temporary name means a crash leaves nothing that start does not remove.
/// </summary>
internal sealed partial class VersionFileDraft(string path, ILogger logger) : IVersionDraft
{
    /// <summary>How much is written between two flushes to the disk.</summary>
    private const long FlushEvery = 8 << 20;

    // One signal is enough however many chunks arrived: the writer writes whatever is there when it wakes.
    private readonly Channel<bool> _grew = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private SafeFileHandle? _file;
    private ByteSegments? _bytes;
    private Task? _writing;
    private long _written;
    private long _flushed;
    private bool _saved;

    public void Grew(ByteSegments bytes)
    {
        if (_writing is { IsFaulted: true })
        {
            throw new StorageFailedException();
        }
        if (_bytes is null)
        {
            _bytes = bytes;
            _writing = Task.Run(WriteWhileArrivingAsync);
        }
        _grew.Writer.TryWrite(true);
    }

    /// <summary>
    /// Writes the rest of the first <paramref name="length"/> bytes, flushes them to the disk and
    /// renames the file to <paramref name="destination"/>. False when this draft did not follow
    /// <paramref name="bytes"/> (nothing arrived): the caller writes the version itself.
    /// </summary>
    public async Task<bool> SaveAsAsync(string destination, ByteSegments bytes, long length, CancellationToken cancellationToken)
    {
        if (_bytes is null || !ReferenceEquals(_bytes, bytes))
        {
            return false;
        }
        _grew.Writer.TryComplete();
        await _writing!.WaitAsync(cancellationToken).ConfigureAwait(false);
        WriteUpTo(length);
        RandomAccess.FlushToDisk(_file!);
        _file!.Dispose();
        File.Move(path, destination, overwrite: true);
        _saved = true;
        return true;
    }

    private async Task WriteWhileArrivingAsync()
    {
        try
        {
            _file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            while (await _grew.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                _grew.Reader.TryRead(out _);
                WriteUpTo(_bytes!.Length);
                if (_written - _flushed >= FlushEvery)
                {
                    RandomAccess.FlushToDisk(_file);
                    _flushed = _written;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogNotWritten(path, e.Message);
            throw;
        }
    }

    private void WriteUpTo(long end)
    {
        foreach (var segment in _bytes!.Segments(_written, end))
        {
            RandomAccess.Write(_file!, segment.Span, _written);
            _written += segment.Length;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _grew.Writer.TryComplete();
        if (_writing is not null)
        {
            await _writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _file?.Dispose();
        if (!_saved)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogNotRemoved(path, e.Message); // start removes it
            }
        }
        _stop.Dispose();
    }

    [LoggerMessage(LogLevel.Error, "Could not write the upload's bytes to {Path}: {Reason}")]
    private partial void LogNotWritten(string path, string reason);

    [LoggerMessage(LogLevel.Warning, "Could not remove {Path}, left by an upload that did not finish: {Reason}")]
    private partial void LogNotRemoved(string path, string reason);
}
