using CsvHelper;

namespace TsvLive.Tables.Columns;

/// <summary>
/// Infers each column's type while the indexer reads the records: a cell is looked at only while its
/// column could still be narrower than text, and then only checked against the type found so far.
/// </summary>
internal sealed class ColumnTypeTracker
{
    private ColumnType?[] _types = [];

    /// <summary>A tracker that goes on from types found before (a table's, as rows are appended to it).</summary>
    public static ColumnTypeTracker From(IReadOnlyList<ColumnType> types) => new() { _types = [.. types.Select(t => (ColumnType?)t)] };

    public void Observe(CsvReader reader)
    {
        if (reader.FieldCount > _types.Length)
        {
            Array.Resize(ref _types, reader.FieldCount);
        }
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var type = _types[i];
            if (type == ColumnType.Text)
            {
                continue;
            }
            var cell = reader.GetSpan(i);
            if (cell.IsEmpty || (type is { } known && ColumnTypes.Fits(cell, known)))
            {
                continue;
            }
            var found = ColumnTypes.Of(cell);
            _types[i] = type is { } before ? ColumnTypes.Widen(before, found) : found;
        }
    }

    /// <summary>The types so far of <paramref name="width"/> columns (a column without a non-empty cell is text).</summary>
    public ColumnType[] Snapshot(int width)
    {
        var types = new ColumnType[width];
        for (var i = 0; i < width; i++)
        {
            types[i] = i < _types.Length && _types[i] is { } type ? type : ColumnType.Text;
        }
        return types;
    }
}
