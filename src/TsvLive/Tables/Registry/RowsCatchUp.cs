using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Tables.Memory;
using TsvLive.Tables.Storage;

namespace TsvLive.Tables.Registry;

/// <summary>
/// With several instances: reads the records another instance appended to a table held here (only the
/// bytes past this copy's end, never the whole table again) and grows this copy of the version with
/// them, once however many ask at the same moment. The appending instance sends RowsAppended to every
/// watcher through the backplane; a page asked for here is served once this copy has caught up.
/// While this instance has an append stream of its own on the table, the copy waits (that stream
/// is refused by the store, which no longer ends where it does).
/// </summary>
internal sealed partial class RowsCatchUp(ITableStorage storage, TableMemory memory, IOptions<TsvLiveOptions> options, ILogger<RowsCatchUp> logger)
{
    private readonly SharedRuns _catchingUp = new();

    /// <summary>Reads what was appended elsewhere until this copy is as long as the stored version.</summary>
    public async Task CatchUpAsync(Table table, CancellationToken cancellationToken)
    {
        try
        {
            await _catchingUp.JoinAsync(table.Id, () => ReadAppendedAsync(table), cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Serving the rows held beats failing: the next read tries again.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogNotCaughtUp(table.Id, e.Message);
        }
    }

    /// <summary>Catches up without anyone waiting (rows were announced).</summary>
    public void InBackground(Table table) => _ = CatchUpAsync(table, CancellationToken.None);

    private async Task ReadAppendedAsync(Table table)
    {
        await Task.Yield(); // the caller's lock-free path returns at once
        if (!table.IsShort || table.IsChanging || table.IsDeleted)
        {
            return;
        }
        IDisposable place;
        try
        {
            place = table.BeginAppend(out _);
        }
        catch (AppendRunningException)
        {
            return; // a stream of this instance's own appends to it: it ends soon (the store refuses it)
        }
        using (place)
        using (var growing = new GrowingVersion(memory, table, table.Current, options.Value))
        {
            while (table.IsShort)
            {
                var version = growing.Published;
                if (await storage.ReadAppendedAsync(table.Id, version.Version, growing.Length, CancellationToken.None).ConfigureAwait(false) is not { } appended
                    || appended.Bytes.IsEmpty)
                {
                    return; // replaced meanwhile: the version catch-up reads the new one
                }
                growing.Add(appended.Bytes.Span);
                growing.Parser.Parse(final: false);
                if (!growing.Publish(growing.Next(appended.UpdatedAt)))
                {
                    return;
                }
                table.NoteStoredSize(version.Version, appended.StoredSize);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "The rows appended to table {TableId} through another instance could not be read; the rows held are served meanwhile: {Reason}")]
    private partial void LogNotCaughtUp(string tableId, string reason);
}
