using System.Text;
using System.Threading.Channels;

namespace TsvLive.Tests.Fixtures;

/// <summary>
/// A chunked request body written while the request runs, each write sent at once: what tail -f piped
/// into curl sends, or a producer streaming records for hours.
/// </summary>
public sealed class StreamedBody : HttpContent
{
    private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>();

    public ValueTask WriteAsync(string text) => WriteAsync(Encoding.UTF8.GetBytes(text));

    public ValueTask WriteAsync(byte[] bytes) => _chunks.Writer.WriteAsync(bytes, CancellationToken.None);

    /// <summary>Ends the body: the request completes.</summary>
    public void End() => _chunks.Writer.Complete();

    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
    {
        await foreach (var chunk in _chunks.Reader.ReadAllAsync(cancellationToken))
        {
            await stream.WriteAsync(chunk, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
