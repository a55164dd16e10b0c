using TsvLive.Tables.Text;

namespace TsvLive.Tables.Storage;

/// <summary>
/// A version being stored while its bytes arrive, so that storing the finished version costs little
/// more than a commit (the data directory writes the bytes to a temporary file behind the upload and
/// only flushes and renames at the end). Given to <see cref="ITableStorage.SaveAsync"/> once the
/// version is complete; disposing a draft that was not saved removes what it wrote.
/// </summary>
internal interface IVersionDraft : IAsyncDisposable
{
    /// <summary>
    /// More bytes of the version arrived: <paramref name="bytes"/> (always the same, append-only)
    /// is longer. Never waits for the writing. Throws when the draft could not be written, so the
    /// upload ends at once instead of after its last byte.
    /// </summary>
    void Grew(ByteSegments bytes);
}

/// <summary>A storage that stores a version whole when it is saved (memory only, Redis) drafts nothing.</summary>
internal sealed class NoDraft : IVersionDraft
{
    public static readonly NoDraft Instance = new();

    private NoDraft() { }

    public void Grew(ByteSegments bytes) { }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
