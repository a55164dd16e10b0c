using TsvLive.Tables.Columns;

namespace TsvLive.Tables.Text;

/// <summary>
/// What the indexer has found so far in the text: immutable, replaced as indexing goes on.
/// <see cref="RowCount"/> records of <see cref="Index"/> are complete and can be read.
/// </summary>
internal sealed record IndexedText(
    Separator Separator,
    Dialect Dialect,
    RecordIndex Index,
    long RowCount,
    IReadOnlyList<byte[]>? HeaderFields,
    int FieldCount,
    bool Finished,
    IReadOnlyList<ColumnType> ColumnTypes)
{
    public static IndexedText Empty { get; } = new(Separator.Tab, Dialect.Quoted, new RecordIndex(), 0, null, 0, false, []);
}
