using System.Buffers;
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

    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> AsChunks(
        this IAsyncEnumerable<byte[]> chunks, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return chunk ?? [];
        }
    }

    /// <summary>
    /// The chunks, ending with a clear error when the next one takes longer than <paramref name="idle"/>
    /// (a stalled or trickling client) or the server is <paramref name="stopping"/>, so neither can hold
    /// an upload open.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> WithTimeouts(
        this IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, TimeSpan idle, CancellationToken stopping,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        var enumerator = chunks.GetAsyncEnumerator(waiting.Token);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                waiting.CancelAfter(idle);
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
                yield return enumerator.Current;
            }
        }
    }
}
