using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using TsvLive.Errors;

namespace TsvLive.Tables.Ingest;

/// <summary>Turns the ways bytes arrive (an HTTP body, a hub stream) into one sequence of chunks.</summary>
internal static class ChunkSources
{
    public const int ChunkSize = 64 * 1024;

    /// <summary>Reads a stream in chunks; each chunk is valid until the next one is asked for.</summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadChunksAsync(
        this Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                yield return buffer.AsMemory(0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The chunks, ending with a clear error when fewer than <paramref name="minBytesPerIdle"/> bytes
    /// arrive within <paramref name="idle"/> (a stalled or trickling client: empty chunks or a byte now
    /// and then do not keep an upload alive) or the server is <paramref name="stopping"/>, so neither
    /// can hold an upload open. Time the consumer spends on a chunk does not count.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> WithTimeouts(
        this IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, TimeSpan idle, long minBytesPerIdle, CancellationToken stopping,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        var enumerator = chunks.GetAsyncEnumerator(waiting.Token);
        await using (enumerator.ConfigureAwait(false))
        {
            var windowStarted = Stopwatch.GetTimestamp();
            long bytesInWindow = 0;
            while (true)
            {
                var left = idle - Stopwatch.GetElapsedTime(windowStarted);
                waiting.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw stopping.IsCancellationRequested ? new ServerStoppingException() : new UploadStalledException(idle);
                }
                if (!more)
                {
                    yield break;
                }
                waiting.CancelAfter(Timeout.InfiniteTimeSpan);
                bytesInWindow += enumerator.Current.Length;
                if (bytesInWindow >= minBytesPerIdle)
                {
                    windowStarted = Stopwatch.GetTimestamp();
                    bytesInWindow = 0;
                }
                yield return enumerator.Current;
            }
        }
    }
}
