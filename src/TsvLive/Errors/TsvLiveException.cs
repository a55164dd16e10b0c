namespace TsvLive.Errors;

/// <summary>
/// A failure a client caused and can act on. Its <see cref="Exception.Message"/> is the detail shown
/// to people (problem+json <c>detail</c>, or the <c>HubException</c> message), so it never carries
/// secrets or cell values.
/// </summary>
internal abstract class TsvLiveException(string title, string detail) : Exception(detail)
{
    public string Title => title;
    public abstract int StatusCode { get; }
}

internal sealed class TableNotFoundException(string id) : TsvLiveException(
    "Table not found",
    $"There is no table with id '{Shorten(id)}'. The link may be incomplete, or the table was removed when the server restarted.")
{
    public override int StatusCode => StatusCodes.Status404NotFound;

    private static string Shorten(string id) => id.Length > 64 ? id[..64] + "…" : id;
}

internal sealed class EditKeyRejectedException(bool missing) : TsvLiveException(
    "Edit key rejected",
    missing
        ? "Replacing a table needs its edit key (header X-Edit-Key, or the #key= part of the edit link). The view link alone cannot replace it."
        : "The edit key does not match this table. Use the edit link you got when the table was created; the table was not changed.")
{
    public override int StatusCode => StatusCodes.Status403Forbidden;
}

internal sealed class InvalidUploadException(string title, string detail) : TsvLiveException(title, detail)
{
    public override int StatusCode => StatusCodes.Status400BadRequest;
}

internal sealed class UploadTooLargeException(long maxBytes) : TsvLiveException(
    "File too large",
    $"The file is larger than the limit of {Sizes.Describe(maxBytes)}. Split it into smaller files, or ask the operator to raise TsvLive:MaxUploadBytes.")
{
    public override int StatusCode => StatusCodes.Status413PayloadTooLarge;
}

internal sealed class InvalidPageRequestException(string detail) : TsvLiveException("Invalid page request", detail)
{
    public override int StatusCode => StatusCodes.Status400BadRequest;
}

internal sealed class TableBusyException() : TsvLiveException(
    "Table still uploading",
    "This table is still being uploaded. Try again when the upload has finished.")
{
    public override int StatusCode => StatusCodes.Status409Conflict;
}

internal sealed class TooManyRequestsException(string detail) : TsvLiveException("Too many requests", detail)
{
    public override int StatusCode => StatusCodes.Status429TooManyRequests;
}

internal sealed class ServerFullException(long limit) : TsvLiveException(
    "Server full",
    $"The server holds as much table data as it may ({Sizes.Describe(limit)}), so it cannot take this file now. " +
    "Try again later; the operator can raise TsvLive:MaxBytesInMemory.")
{
    public override int StatusCode => StatusCodes.Status507InsufficientStorage;
}

internal sealed class UploadStalledException(TimeSpan idle) : TsvLiveException(
    "Upload stalled",
    $"Nothing arrived for {idle.TotalSeconds:0} seconds, so the upload was stopped and nothing was kept. Check the connection and upload again.")
{
    public override int StatusCode => StatusCodes.Status408RequestTimeout;
}

internal sealed class ServerStoppingException() : TsvLiveException(
    "Server restarting",
    "The server is shutting down, so this upload was stopped and nothing was kept. Upload again in a moment.")
{
    public override int StatusCode => StatusCodes.Status503ServiceUnavailable;
}
