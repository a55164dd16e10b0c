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
    public TableVersion Finish(TableContent content, DateTimeOffset at) => Publish(v => v with { UpdatedAt = at, Content = () => content });

    /// <summary>Publishes a replacement as the next version. Versions only go up, whatever order replacements finish in.</summary>
    public TableVersion Replace(TableContent content, string name, DateTimeOffset at) =>
        Publish(v => new TableVersion(v.Version + 1, name, at, () => content));

    private TableVersion Publish(Func<TableVersion, TableVersion> next)
    {
        lock (_replacing)
        {
            var version = next(_current);
            Volatile.Write(ref _current, version);
            return version;
        }
    }
}
