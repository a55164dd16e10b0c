using System.Runtime.CompilerServices;
using TsvLive.Tables.Memory;

namespace TsvLive.Tables.Views;

/// <summary>
/// Which rows of a growing table its views (sort, filter, find, stats) are computed over. While rows are
/// appended the current version grows several times a second; recomputing every view for every batch
/// would cost a full scan or sort each time, for every view asked. So a table's views are computed over
/// a snapshot of its current version that moves on to the newest rows at most once per
/// <see cref="Refresh"/> (at once when the table widened): a view lags the newest rows by a second at
/// most, and costs one computation per second whatever the number of batches or viewers. Cached view
/// entries name the row count they were computed over, so entries of two snapshots never mix; the
/// older snapshot's are dropped when the basis moves on, except its columns' typed values, which the
/// next snapshot's extend with the appended rows instead of reading every cell again. A version that
/// does not grow (an older one, a replaced table) is its own basis.
/// </summary>
internal sealed class ViewBasis(ViewCache cache, TimeProvider clock)
{
    /// <summary>How long a table's views may lag the rows appended to it.</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    private readonly ConditionalWeakTable<Table, Pinned> _pinned = [];

    /// <summary>The content the views of <paramref name="version"/> (of <paramref name="table"/>) are computed over now.</summary>
    public TableContent For(Table table, TableVersion version)
    {
        var content = version.Content();
        if (!content.Complete)
        {
            return content; // still arriving: views are refused
        }
        if (_pinned.TryGetValue(table, out var pinned))
        {
            if (pinned.Version > version.Version
                || (pinned.Version == version.Version && pinned.Content.RowCount > content.RowCount))
            {
                return content; // an older version, or an older snapshot someone still reads: not pinned
            }
            if (pinned.Version == version.Version
                && (pinned.Content.RowCount == content.RowCount
                    || (pinned.Content.Columns.Count == content.Columns.Count && clock.GetElapsedTime(pinned.TakenAt) < Refresh)))
            {
                return pinned.Content;
            }
        }
        _pinned.AddOrUpdate(table, new Pinned(version.Version, content, clock.GetTimestamp()));
        if (pinned is not null && pinned.Version == version.Version)
        {
            // The views of the rows before are not asked for any more; their columns' typed values are
            // kept to be extended with the new rows (ViewEngine.Keys), not read whole again.
            cache.ForgetUnless(table.Id, key => key.StartsWith("keys:", StringComparison.Ordinal));
        }
        return content;
    }

    private sealed record Pinned(int Version, TableContent Content, long TakenAt);
}
