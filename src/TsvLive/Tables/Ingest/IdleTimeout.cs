using System.Runtime.CompilerServices;
using TsvLive.Errors;

namespace TsvLive.Tables.Ingest;

internal static class IdleTimeout
{
    /// <summary>
    /// The chunks, failing with <see cref="UploadStalledException"/> when the next one takes longer
    /// than <paramref name="idle"/> to arrive, so a stalled client cannot hold an upload open forever.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> WithIdleTimeout(
        this IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, TimeSpan idle, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stalled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var enumerator = chunks.GetAsyncEnumerator(stalled.Token);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                stalled.CancelAfter(idle);
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stalled.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new UploadStalledException(idle);
                }
                if (!more)
                {
                    yield break;
                }
                stalled.CancelAfter(Timeout.InfiniteTimeSpan);
                yield return enumerator.Current;
            }
        }
    }
}
