using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.SignalR;
using TsvLive.Errors;

namespace TsvLive.Hubs;

internal static class HubChunks
{
    /// <summary>
    /// A hub stream's chunks. A client that ends its stream with an error (the page's Cancel button)
    /// reaches the server as a <see cref="HubException"/> ("Stream canceled by client", or a plain
    /// <see cref="Exception"/> in older SignalR versions); that becomes an <see cref="UploadCancelledException"/>,
    /// a client's choice rather than a server fault.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> AsChunks(
        this IAsyncEnumerable<byte[]> chunks, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var enumerator = chunks.GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is HubException || e.GetType() == typeof(Exception))
                {
                    throw new UploadCancelledException();
                }
                if (!more)
                {
                    yield break;
                }
                yield return enumerator.Current ?? [];
            }
        }
    }
}
