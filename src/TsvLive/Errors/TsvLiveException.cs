namespace TsvLive.Errors;

/// <summary>
/// A failure a client caused and can act on. Its <see cref="Exception.Message"/> is the detail shown
/// to people (problem+json <c>detail</c>, or the <c>HubException</c> message), so it never carries
/// secrets or cell values. Its <see cref="Code"/> is stable and machine-readable (problem+json
/// <c>code</c>, the prefix of the <c>HubException</c> message), so clients never branch on the wording.
/// </summary>
internal abstract class TsvLiveException(string code, string title, string detail) : Exception(detail)
{
    public string Code => code;
    public string Title => title;
    public abstract int StatusCode { get; }
}

/// <remarks>The id is repeated in the detail only when it is well formed (never a stranger's junk at length).</remarks>
/// <param name="id">The id asked for, when it looks like a table id (it is shown back); null otherwise.</param>
internal sealed class TableNotFoundException(string? id) : TsvLiveException(
    "table-not-found",
    "Table not found",
    (id is not null ? $"There is no table with id '{id}'." : "There is no table with that id.") +
    " The link may be incomplete, or the table no longer exists.")
{
    public override int StatusCode => StatusCodes.Status404NotFound;
}

internal sealed class VersionNotFoundException(string id, int version, IReadOnlyList<int> kept) : TsvLiveException(
    "version-not-found",
    "Version not found",
    $"Table '{id}' has no version {version} now: it keeps {Describe(kept)}. Older versions are dropped as newer ones arrive.")
{
    public override int StatusCode => StatusCodes.Status404NotFound;

    /// <summary>The versions kept, in words: "version 7 (the current one)", "versions 3 to 7 (7 is the current one)".</summary>
    private static string Describe(IReadOnlyList<int> kept)
    {
        var ascending = kept.Order().ToList();
        var current = ascending[^1];
        if (ascending.Count == 1)
        {
            return $"only version {current} (the current one)";
        }
        var contiguous = ascending[^1] - ascending[0] == ascending.Count - 1;
        var list = contiguous ? $"{ascending[0]} to {current}" : string.Join(", ", ascending[..^1]) + $" and {current}";
        return $"versions {list} ({current} is the current one)";
    }
}

internal sealed class EditKeyRejectedException(bool missing) : TsvLiveException(
    "edit-key-rejected",
    "Edit key rejected",
    missing
        ? "Replacing a table needs its edit key (header X-Edit-Key, or the #key= part of the edit link). The view link alone cannot replace it."
        : "The edit key does not match this table. Use the edit link you got when the table was created; the table was not changed.")
{
    public override int StatusCode => StatusCodes.Status403Forbidden;
}

internal sealed class InvalidUploadException(string title, string detail) : TsvLiveException("invalid-upload", title, detail)
{
    public override int StatusCode => StatusCodes.Status400BadRequest;
}

internal sealed class UploadTooLargeException(long maxBytes) : TsvLiveException(
    "upload-too-large",
    "File too large",
    $"The file is larger than the limit of {Sizes.Describe(maxBytes)}. Split it into smaller files, or ask the operator to raise TsvLive:MaxUploadBytes.")
{
    public override int StatusCode => StatusCodes.Status413PayloadTooLarge;
}

/// <summary>A separator word (or an export format, or another choice among a few words) that is not one of them.</summary>
internal sealed class InvalidChoiceException(string parameter, string? word, string choices) : TsvLiveException(
    "invalid-" + parameter,
    $"Unknown {parameter}",
    $"'{(word is { Length: > 20 } ? word[..20] + "…" : word)}' is not a {parameter} TsvLive knows: use {choices}.")
{
    public override int StatusCode => StatusCodes.Status400BadRequest;
}

internal sealed class ExportTooLargeException(string detail) : TsvLiveException("export-too-large", "Too large for this format", detail)
{
    public override int StatusCode => StatusCodes.Status400BadRequest;
}

internal sealed class InvalidPageRequestException(string detail) : TsvLiveException("invalid-page-request", "Invalid page request", detail)
{
    public override int StatusCode => StatusCodes.Status400BadRequest;
}

/// <summary>
/// A table whose first upload is still running (409 <c>table-arriving</c>): what cannot be had of it
/// yet, and when it can.
/// </summary>
internal sealed class TableArrivingException : TsvLiveException
{
    private TableArrivingException(string detail)
        : base("table-arriving", "Still uploading", detail)
    {
    }

    public override int StatusCode => StatusCodes.Status409Conflict;

    /// <summary>A view (sort, filter, find) or column stats: its rows are not final yet.</summary>
    public static TableArrivingException ForViews() =>
        new("Sorting, filtering, finding and column stats are available when the upload finishes.");

    /// <summary>Appending rows to it.</summary>
    public static TableArrivingException ForAppends() =>
        new("This table is still being uploaded. Rows can be appended once the upload has finished.");

    /// <summary>Replacing it or downloading its file.</summary>
    public static TableArrivingException ForTheFile() =>
        new("This table is still being uploaded. Try again when the upload has finished.");

    /// <summary>With several instances: the whole table is arriving on another one.</summary>
    public static TableArrivingException Elsewhere() =>
        new("This table is still being uploaded. It opens here as soon as the upload finishes.");
}

internal sealed class ReplacementRunningException() : TsvLiveException(
    "replacement-running",
    "Replacement already running",
    "Another replacement of this table is still uploading. Wait for it to finish, or cancel it, before replacing the file again.")
{
    public override int StatusCode => StatusCodes.Status409Conflict;
}

/// <summary>A presentation id that no presentation of this table has (never had, or it ended).</summary>
internal sealed class PresentationNotFoundException() : TsvLiveException(
    "presentation-not-found",
    "No such presentation",
    "This presentation has ended, or the follow link is incomplete. Ask the presenter for a new link, or page through the table on your own.")
{
    public override int StatusCode => StatusCodes.Status404NotFound;
}

/// <summary>A connection that tries to move or end a presentation another connection gives.</summary>
internal sealed class NotThePresenterException() : TsvLiveException(
    "not-the-presenter",
    "Not your presentation",
    "Only the page that started this presentation can move or end it.")
{
    public override int StatusCode => StatusCodes.Status403Forbidden;
}

/// <param name="retryAfter">When trying again may succeed, if known (the HTTP answer's Retry-After).</param>
internal sealed class TooManyRequestsException(string detail, TimeSpan? retryAfter = null) : TsvLiveException("too-many-requests", "Too many requests", detail)
{
    public override int StatusCode => StatusCodes.Status429TooManyRequests;

    public TimeSpan? RetryAfter => retryAfter;
}

internal sealed class NoRoomToCompareException() : TsvLiveException(
    "no-room-to-compare",
    "No room to compare now",
    "The server has no memory to spare for comparing these versions just now. Try again in a minute.")
{
    public override int StatusCode => StatusCodes.Status503ServiceUnavailable;
}

internal sealed class ServerFullException(long limit) : TsvLiveException(
    "server-full",
    "Server full",
    $"The server holds as much table data as it may ({Sizes.Describe(limit)}), so it cannot take this file now. " +
    "Try again later; the operator can raise TsvLive:MaxBytesInMemory.")
{
    public override int StatusCode => StatusCodes.Status507InsufficientStorage;
}

internal sealed class AddressShareFullException(long share) : TsvLiveException(
    "address-share-full",
    "Your share is full",
    $"The tables uploaded from your address hold as much memory as one address may ({Sizes.Describe(share)}), so this file cannot be taken now. " +
    "Replace one of your tables instead (a replacement may use the room of the version it replaces), or try again later.")
{
    public override int StatusCode => StatusCodes.Status507InsufficientStorage;
}

internal sealed class StorageFailedException() : TsvLiveException(
    "storage-failed",
    "Could not save",
    "The file arrived but could not be saved to the server's storage, so it was not kept and nothing changed. " +
    "Try again later; the operator can check the storage (the data directory's disk space and permissions, or Redis's memory).")
{
    public override int StatusCode => StatusCodes.Status507InsufficientStorage;
}

internal sealed class StorageFullException(long limit) : TsvLiveException(
    "storage-full",
    "Storage full",
    $"The server's storage holds as much as it may ({Sizes.Describe(limit)}), so this file was not kept and nothing changed. " +
    "Try again later; the operator can raise TsvLive:MaxDiskBytes or remove old tables.")
{
    public override int StatusCode => StatusCodes.Status507InsufficientStorage;
}

internal sealed class StorageShareFullException(long share) : TsvLiveException(
    "address-storage-full",
    "Your storage share is full",
    $"The tables uploaded from your address take as much of the server's storage as one address may ({Sizes.Describe(share)}), so this file was not kept and nothing changed. " +
    "Replace one of your tables instead (a replacement may use the room of the version it replaces), or try again once some have expired.")
{
    public override int StatusCode => StatusCodes.Status507InsufficientStorage;
}

/// <summary>The shared store (Redis) cannot be reached: nothing can be stored, and tables not held here cannot be read.</summary>
internal sealed class StorageUnavailableException() : TsvLiveException(
    "storage-unavailable",
    "Storage unavailable",
    "The server's storage cannot be reached right now, so uploads and replacements are refused and nothing was changed. " +
    "Tables already open keep working. Try again in a minute.")
{
    public override int StatusCode => StatusCodes.Status503ServiceUnavailable;
}

internal sealed class UploadStalledException(TimeSpan idle) : TsvLiveException(
    "upload-stalled",
    "Upload stalled",
    $"Nothing arrived for {idle.TotalSeconds:0} seconds, so the upload was stopped and nothing was kept. Check the connection and upload again.")
{
    public override int StatusCode => StatusCodes.Status408RequestTimeout;
}

/// <param name="upload">Whether an upload was stopped (else a new connection was refused).</param>
internal sealed class ServerStoppingException(bool upload = true) : TsvLiveException(
    "server-stopping",
    "Server restarting",
    upload
        ? "The server is shutting down, so this upload was stopped and nothing was kept. Upload again in a moment."
        : "The server is shutting down. The page connects again by itself in a moment.")
{
    public override int StatusCode => StatusCodes.Status503ServiceUnavailable;
}

internal sealed class AppendRunningException() : TsvLiveException(
    "append-running",
    "Rows are already being appended",
    "Another append stream to this table is open (here or through another instance): one at a time per table. Stop it (end its body) before appending from elsewhere.")
{
    public override int StatusCode => StatusCodes.Status409Conflict;
}

internal sealed class TableReplacedException() : TsvLiveException(
    "table-replaced",
    "Table replaced",
    "The table was replaced while rows were being appended, so the append stream ended. The rows appended before that belong to the old version; append to the new one with a new request.")
{
    public override int StatusCode => StatusCodes.Status409Conflict;
}

internal sealed class TableDeletedException() : TsvLiveException(
    "table-deleted",
    "Table deleted",
    "The table was deleted by its owner while this was running, so nothing was kept. Its links no longer work.")
{
    public override int StatusCode => StatusCodes.Status404NotFound;
}

internal sealed class UploadCancelledException() : TsvLiveException(
    "upload-cancelled",
    "Upload cancelled",
    "The upload was cancelled by the sender before it finished, so nothing was kept.")
{
    public override int StatusCode => StatusCodes.Status400BadRequest;
}

internal sealed class MetricsForbiddenException() : TsvLiveException(
    "metrics-forbidden",
    "Metrics not served here",
    "/metrics is served only to the networks the operator named (TsvLive:MetricsNetworks; by default loopback and private networks).")
{
    public override int StatusCode => StatusCodes.Status403Forbidden;
}

internal sealed class CrossSiteRefusedException() : TsvLiveException(
    "cross-site-refused",
    "Cross-site connection refused",
    "Live updates only connect from TsvLive's own pages. Open the table's link directly.")
{
    public override int StatusCode => StatusCodes.Status403Forbidden;
}
