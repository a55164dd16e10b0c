using TsvLive.Tables.Memory;

namespace TsvLive.Tables.Changes;

/// <summary>
/// Finds what changed between two versions (contract v2, "Versions and changes"). Rows are matched by
/// a key column when one exists (the leftmost column with the same name in both versions whose cells
/// are unique and non-empty in both), else by content in file order, as a line diff does
/// (<see cref="SequenceDiff"/>). Both ways compare one 64-bit hash per row (<see cref="RowHashes"/>)
/// over the columns the versions share; only the differences are kept.
/// </summary>
internal static class ChangeFinder
{
    /// <summary>How many rows the quick look for key columns reads (a column with a repeat or an empty cell there is no key).</summary>
    private const int KeySampleRows = 65_536;

    /// <summary>What comparing holds per row of both versions while it runs (hashes, keys, the key index, matches).</summary>
    private const long WorkingBytesPerRow = 48;

    public static TableChanges Find(int fromVersion, TableContent from, int toVersion, TableContent to, WorkingMemory memory, CancellationToken cancellationToken)
    {
        var (common, added, removed) = PairColumns(from.Columns, to.Columns);
        // Per row while computing: a hash of each side's rows and, for a key column, of its cells and the
        // old rows by key (an open-addressing table up to four times the rows), the matches: about 48 bytes.
        if (!memory.TryUse(WorkingBytesPerRow * (from.RowCount + to.RowCount)))
        {
            throw new Errors.NoRoomToCompareException();
        }
        var key = FindKey(from, to, common, cancellationToken);
        var commonTo = common.Select(c => c.To).ToArray();
        var commonFrom = common.Select(c => c.From).ToArray();
        var oldHashes = RowHashes.Rows(from, commonFrom, cancellationToken);
        var newHashes = RowHashes.Rows(to, commonTo, cancellationToken);
        var changes = new ChangeList();
        if (key is { } k)
        {
            ByKey(k.OldIndex, k.NewKeys, oldHashes, newHashes, changes, cancellationToken);
        }
        else
        {
            ByContent(oldHashes, newHashes, changes, cancellationToken);
        }
        return changes.ToChanges(fromVersion, toVersion, key?.Column, added, removed, common);
    }

    /// <summary>Columns paired by name (the k-th column named X in one version with the k-th named X in the other).</summary>
    internal static (List<(int To, int From)> Common, List<string> Added, List<string> Removed) PairColumns(IReadOnlyList<string> from, IReadOnlyList<string> to)
    {
        var fromByName = new Dictionary<string, Queue<int>>(StringComparer.Ordinal);
        for (var i = 0; i < from.Count; i++)
        {
            (fromByName.TryGetValue(from[i], out var q) ? q : fromByName[from[i]] = new Queue<int>()).Enqueue(i);
        }
        var common = new List<(int To, int From)>();
        var added = new List<string>();
        for (var j = 0; j < to.Count; j++)
        {
            if (fromByName.TryGetValue(to[j], out var q) && q.TryDequeue(out var i))
            {
                common.Add((j, i));
            }
            else
            {
                added.Add(to[j]);
            }
        }
        var paired = common.Select(c => c.From).ToHashSet();
        return (common, added, [.. Enumerable.Range(0, from.Count).Where(i => !paired.Contains(i)).Select(i => from[i])]);
    }

    /// <summary>The key column, if any: its position in the new version, the old version's rows by key, and the new rows' keys.</summary>
    private static (int Column, KeyIndex OldIndex, long[] NewKeys)? FindKey(
        TableContent from, TableContent to, List<(int To, int From)> common, CancellationToken cancellationToken)
    {
        var once = (IReadOnlyList<string> names, string name) => names.Count(n => n == name) == 1;
        var candidates = common.Where(c => once(to.Columns, to.Columns[c.To]) && once(from.Columns, from.Columns[c.From])).ToList();
        // A quick look at the first rows rules most columns out (a repeat or an empty cell) before any whole scan.
        candidates = [.. candidates.Where(c => MayBeKey(to, c.To) && MayBeKey(from, c.From))];
        foreach (var (toColumn, fromColumn) in candidates)
        {
            if (RowHashes.KeyCells(to, toColumn, cancellationToken) is not { } newKeys || KeyIndex.Unique(newKeys) is null)
            {
                continue;
            }
            if (RowHashes.KeyCells(from, fromColumn, cancellationToken) is not { } oldKeys || KeyIndex.Unique(oldKeys) is not { } oldIndex)
            {
                continue;
            }
            return (toColumn, oldIndex, newKeys);
        }
        return null;
    }

    private static bool MayBeKey(TableContent content, int column)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reader in TableRecords.Of(content, 0, (int)Math.Min(content.RowCount, KeySampleRows)))
        {
            var cell = Views.TableScan.Cell(reader, column);
            if (cell.IsEmpty || !seen.Add(content.TextEncoding.GetString(cell)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Rows matched by key: a new row whose key the old version lacks is added, an old row whose key
    /// the new version lacks is removed (placed before the first new row matched to a later old row),
    /// a matched pair whose hashes differ is changed.
    /// </summary>
    private static void ByKey(KeyIndex oldIndex, long[] newKeys, long[] oldHashes, long[] newHashes, ChangeList changes, CancellationToken cancellationToken)
    {
        var matched = new bool[oldHashes.Length];
        var oldRowOf = new int[newKeys.Length];
        for (var j = 0; j < newKeys.Length; j++)
        {
            var i = oldIndex.Find(newKeys[j]);
            oldRowOf[j] = i;
            if (i >= 0)
            {
                matched[i] = true;
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        var nextRemoved = 0;
        for (var j = 0; j < newKeys.Length; j++)
        {
            var i = oldRowOf[j];
            if (i < 0)
            {
                changes.Add(ChangeKind.Added, j, -1);
                continue;
            }
            for (; nextRemoved < i; nextRemoved++)
            {
                if (!matched[nextRemoved])
                {
                    changes.Add(ChangeKind.Removed, -1, nextRemoved);
                }
            }
            if (oldHashes[i] != newHashes[j])
            {
                changes.Add(ChangeKind.Changed, j, i);
            }
        }
        for (; nextRemoved < oldHashes.Length; nextRemoved++)
        {
            if (!matched[nextRemoved])
            {
                changes.Add(ChangeKind.Removed, -1, nextRemoved);
            }
        }
    }

    /// <summary>
    /// Rows matched by content in file order: in each run of differences, the first rows removed and
    /// added pair up as changed rows (as a side-by-side diff shows them), the rest are removed or added.
    /// </summary>
    private static void ByContent(long[] oldHashes, long[] newHashes, ChangeList changes, CancellationToken cancellationToken)
    {
        foreach (var hunk in SequenceDiff.Diff(oldHashes, newHashes, cancellationToken))
        {
            var removed = hunk.AEnd - hunk.A;
            var added = hunk.BEnd - hunk.B;
            var paired = Math.Min(removed, added);
            for (var k = 0; k < paired; k++)
            {
                changes.Add(ChangeKind.Changed, hunk.B + k, hunk.A + k);
            }
            for (var k = paired; k < removed; k++)
            {
                changes.Add(ChangeKind.Removed, -1, hunk.A + k);
            }
            for (var k = paired; k < added; k++)
            {
                changes.Add(ChangeKind.Added, hunk.B + k, -1);
            }
        }
    }

    /// <summary>The differences as they are found, in order.</summary>
    private sealed class ChangeList
    {
        private readonly List<ChangeKind> _kinds = [];
        private readonly List<int> _newRows = [];
        private readonly List<int> _oldRows = [];

        public void Add(ChangeKind kind, int newRow, int oldRow)
        {
            _kinds.Add(kind);
            _newRows.Add(newRow);
            _oldRows.Add(oldRow);
        }

        public TableChanges ToChanges(int from, int to, int? key, List<string> added, List<string> removed, List<(int To, int From)> common) =>
            new(from, to, key, [.. _kinds], [.. _newRows], [.. _oldRows], added, removed, common);
    }

    /// <summary>Rows by key hash (open addressing): built only when every key is unique.</summary>
    internal sealed class KeyIndex
    {
        private readonly long[] _keys;
        private readonly int[] _rows;
        private readonly int _mask;

        private KeyIndex(int entries)
        {
            var capacity = OpenAddressing.Capacity(entries);
            _keys = new long[capacity];
            _rows = new int[capacity];
            Array.Fill(_rows, -1);
            _mask = capacity - 1;
        }

        /// <summary>The index of <paramref name="keys"/>, or null when one repeats.</summary>
        public static KeyIndex? Unique(long[] keys)
        {
            var index = new KeyIndex(keys.Length);
            for (var row = 0; row < keys.Length; row++)
            {
                var slot = index.Slot(keys[row]);
                if (index._rows[slot] >= 0)
                {
                    return null;
                }
                index._keys[slot] = keys[row];
                index._rows[slot] = row;
            }
            return index;
        }

        /// <summary>The row with this key, or -1.</summary>
        public int Find(long key) => _rows[Slot(key)];

        private int Slot(long key)
        {
            var slot = OpenAddressing.Home(key, _mask);
            while (_rows[slot] >= 0 && _keys[slot] != key)
            {
                slot = (slot + 1) & _mask;
            }
            return slot;
        }
    }
}
