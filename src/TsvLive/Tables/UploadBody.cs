using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using TsvLive.Errors;

namespace TsvLive.Tables;

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
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                && disposition.IsFileDisposition())
            {
                var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                return new UploadBody(section.Body, fileName);
            }
        }
        throw new InvalidUploadException("No file in the form", "The multipart/form-data body has no file part. Attach the file (for example curl -F file=@data.tsv).");
    }
}
