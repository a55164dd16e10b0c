namespace TsvLive.Tables;

/// <summary>
/// A table behind one id: its edit key hash and its current version. Readers take
/// <see cref="Current"/> once and read that version only, so a page never mixes two versions.
/// </summary>
internal sealed class Table(string id, byte[] editKeyHash, DateTimeOffset createdAt, TableVersion first)
{
    private readonly Lock _replacing = new();
    private TableVersion _current = first;

    public string Id => id;
    public byte[] EditKeyHash => editKeyHash;
    public DateTimeOffset CreatedAt => createdAt;
    public TableVersion Current => Volatile.Read(ref _current);

    /// <summary>Publishes the data of <see cref="Current"/> once its upload has finished.</summary>
    public TableVersion Finish(TableContent content, DateTimeOffset at) => Publish(v => v with { UpdatedAt = at, Source = content }).Next;

    /// <summary>
    /// Publishes a replacement as the next version. Versions only go up, whatever order replacements
    /// finish in. Returns the version it replaced too, whose memory the caller gives back.
    /// </summary>
    public (TableVersion Previous, TableVersion Next) Replace(TableContent content, string name, DateTimeOffset at) =>
        Publish(v => new TableVersion(v.Version + 1, name, at, content));

    private (TableVersion Previous, TableVersion Next) Publish(Func<TableVersion, TableVersion> next)
    {
        lock (_replacing)
        {
            var previous = _current;
            var version = next(previous);
            Volatile.Write(ref _current, version);
            return (previous, version);
        }
    }
}
