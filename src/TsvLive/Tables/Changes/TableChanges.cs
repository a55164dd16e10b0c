namespace TsvLive.Tables.Changes;

internal enum ChangeKind : byte
{
    Added,
    Removed,
    Changed,
}

/// <summary>
/// The differences between two versions of a table, and nothing else: for each differing row its
/// kind and its 0-based row numbers (-1 where it has none), in the new version's order with removed
/// rows where they were. What a page of changes needs besides is read from the versions' text.
/// </summary>
internal sealed class TableChanges(
    int from,
    int to,
    int? keyColumn,
    ChangeKind[] kinds,
    int[] newRows,
    int[] oldRows,
    IReadOnlyList<string> columnsAdded,
    IReadOnlyList<string> columnsRemoved,
    IReadOnlyList<(int To, int From)> commonColumns)
{
    public int From => from;

    public int To => to;

    /// <summary>The 0-based key column in <see cref="To"/> the rows were matched by; null: by content, in file order.</summary>
    public int? KeyColumn => keyColumn;

    /// <summary>As the contract says it: <c>key:N</c> (1-based) or <c>content</c>.</summary>
    public string MatchedBy => keyColumn is { } key ? $"key:{key + 1}" : "content";

    public int Count => kinds.Length;

    public int Added { get; } = kinds.Count(k => k == ChangeKind.Added);

    public int Removed { get; } = kinds.Count(k => k == ChangeKind.Removed);

    public int Changed { get; } = kinds.Count(k => k == ChangeKind.Changed);

    public IReadOnlyList<string> ColumnsAdded => columnsAdded;

    public IReadOnlyList<string> ColumnsRemoved => columnsRemoved;

    /// <summary>The columns both versions have (paired by name), as (position in <see cref="To"/>, position in <see cref="From"/>).</summary>
    public IReadOnlyList<(int To, int From)> CommonColumns => commonColumns;

    public (ChangeKind Kind, int NewRow, int OldRow) this[int index] => (kinds[index], newRows[index], oldRows[index]);

    /// <summary>What it holds, for the cache's count.</summary>
    public long SizeBytes => 9L * kinds.Length + 1024;
}
