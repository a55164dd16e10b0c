using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Tables.Memory;
using TsvLive.Tables.Paging;
using TsvLive.Tables.Registry;
using TsvLive.Tables.Views;

namespace TsvLive.Tables.Changes;

/// <summary>What a page of changes asks for: versions (null: <c>to</c> the current one, <c>from</c> the one before it) and the page.</summary>
internal sealed record ChangesQuery(int? From = null, int? To = null, long? Page = null, int? PageSize = null);

/// <summary>One differing row as a page of changes carries it (row numbers 1-based; columns 1-based positions in the new version).</summary>
internal sealed record ChangedRow(ChangeKind Kind, long? RowNumber, long? OldRowNumber, string[] Cells, string[]? OldCells, int[] ChangedColumns);

/// <summary>A page of the differences between two versions, with their counts.</summary>
internal sealed record ChangesPage(
    string Id, TableChanges Changes, long Page, int PageSize, long TotalPages, IReadOnlyList<ChangedRow> Rows, IReadOnlyList<string> Columns, IReadOnlyList<string> OldColumns);

/// <summary>
/// Pages of the changes between two kept versions of a table: computed when first asked for (after
/// the asker's turn among the clients, like a view), then kept per version pair (<see cref="ChangesCache"/>).
/// </summary>
internal sealed class ChangesReader(TableStore store, ChangesCache cache, ViewWorkQueue work, MemoryBudget budget, IOptions<TsvLiveOptions> options)
{
    public async Task<ChangesPage> ReadAsync(string? id, ChangesQuery query, string client, CancellationToken cancellationToken)
    {
        var size = query.PageSize ?? options.Value.DefaultPageSize;
        var number = query.Page ?? 1;
        if (number < 1)
        {
            throw new InvalidPageRequestException($"Page numbers start at 1; {number} is not a page.");
        }
        if (size < 1 || size > options.Value.MaxPageSize)
        {
            throw new InvalidPageRequestException($"The page size must be between 1 and {options.Value.MaxPageSize}; {size} is outside that range.");
        }
        var table = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var to = await store.VersionAsync(table, query.To, cancellationToken).ConfigureAwait(false);
        var from = await store.VersionAsync(table, query.From ?? to.Version - 1, cancellationToken).ConfigureAwait(false);
        var (fromContent, toContent) = (from.Content(), to.Content());
        if (!fromContent.Complete || !toContent.Complete)
        {
            throw TableArrivingException.ForViews();
        }
        var changes = await cache.GetOrAddAsync(table.Id, from.Version, to.Version, async () =>
        {
            using var turn = await work.EnterAsync(client, cancellationToken).ConfigureAwait(false);
            using var memory = new WorkingMemory(budget);
            return ChangeFinder.Find(from.Version, fromContent, to.Version, toContent, memory, cancellationToken);
        }, cancellationToken).ConfigureAwait(false);
        var totalPages = Math.Max(1, (changes.Count + size - 1) / size);
        var first = (number - 1) * size;
        var rows = number <= totalPages
            ? Rows(changes, fromContent, toContent, (int)first, (int)Math.Min(size, changes.Count - first), options.Value.MaxCellBytesInPage)
            : [];
        return new ChangesPage(table.Id, changes, number, size, totalPages, rows, toContent.Columns, fromContent.Columns);
    }

    /// <summary>The differing rows <paramref name="first"/> .. + <paramref name="count"/>: their cells read, the changed columns found.</summary>
    private static List<ChangedRow> Rows(TableChanges changes, TableContent from, TableContent to, int first, int count, int maxCellBytes)
    {
        var cuts = new CellCuts(maxCellBytes);
        var rows = new List<ChangedRow>(count);
        for (var n = first; n < first + count; n++)
        {
            var (kind, newRow, oldRow) = changes[n];
            var cells = newRow >= 0 ? TableRecords.Rows(to, newRow, 1, cuts).First() : null;
            var oldCells = oldRow >= 0 ? TableRecords.Rows(from, oldRow, 1, cuts).First() : null;
            int[] changedColumns = kind == ChangeKind.Changed
                ? [.. changes.CommonColumns.Where(c => !string.Equals(cells![c.To], oldCells![c.From], StringComparison.Ordinal)).Select(c => c.To + 1)]
                : [];
            rows.Add(new ChangedRow(kind, newRow >= 0 ? newRow + 1 : null, oldRow >= 0 ? oldRow + 1 : null, cells ?? oldCells!, oldCells, changedColumns));
        }
        return rows;
    }
}
