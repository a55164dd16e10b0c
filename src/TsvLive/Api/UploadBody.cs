using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using TsvLive.Errors;

namespace TsvLive.Api;

/// <summary>
/// The file in an upload request: the raw body whatever its Content-Type, or the one file part of a
/// multipart/form-data body. Read as a stream, never buffered whole.
/// </summary>
internal sealed record UploadBody(Stream Stream, string? FileName)
{
    /// <summary>Room for the multipart boundaries and part headers around the file.</summary>
    private const long MultipartOverhead = 64 * 1024;

    public static async Task<UploadBody> OpenAsync(HttpRequest request, long maxUploadBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxUploadBytes + MultipartOverhead)
        {
            throw new UploadTooLargeException(maxUploadBytes);
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxUploadBytes + MultipartOverhead;
        }
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return new UploadBody(request.Body, null);
        }
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            throw new InvalidUploadException("Malformed form", "The multipart/form-data body has no boundary. Send the file as the raw request body, or as a proper form upload.");
        }
        var reader = new MultipartReader(boundary, request.Body);
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && disposition.IsFileDisposition())
                {
                    var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    return new UploadBody(new MultipartFileStream(section.Body), fileName);
                }
            }
        }
        catch (Exception e) when (IsMalformed(e))
        {
            throw Malformed(e);
        }
        throw new InvalidUploadException("No file in the form", "The multipart/form-data body has no file part. Attach the file (for example curl -F file=@data.tsv).");
    }

    /// <summary>
    /// What the multipart reader throws for a body that breaks the format (a boundary never closed,
    /// garbage, part headers too long or too many), as opposed to the connection failing or the body
    /// being too large (<see cref="BadHttpRequestException"/>, itself an IOException).
    /// </summary>
    private static bool IsMalformed(Exception e) =>
        e is InvalidDataException || (e is IOException && e is not BadHttpRequestException && e.GetType() == typeof(IOException));

    private static InvalidUploadException Malformed(Exception e) => new("Malformed form",
        $"The multipart body is malformed: {e.Message.TrimEnd('.')}. Send the file as the raw request body (curl --data-binary @data.tsv), or as a proper form upload (curl -F file=@data.tsv).");

    /// <summary>The file part's bytes; a part that the body ends inside (no closing boundary) is a clear 400, not a server error.</summary>
    private sealed class MultipartFileStream(Stream part) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await part.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsMalformed(e))
            {
                throw Malformed(e);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Uploads are read asynchronously.");
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
