using System.Collections.Concurrent;

namespace TsvLive.Tables.Registry;

/// <summary>
/// One run at a time per key, shared by everyone who asks while it runs (reading a table back, catching
/// a copy up): it is started by the first asker and no asker's token stops it; each asker stops
/// waiting when its own token is cancelled. The next ask after it ended starts a new run.
/// </summary>
internal sealed class SharedRuns
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _running = new(StringComparer.Ordinal);

    public async Task JoinAsync(string key, Func<Task> run, CancellationToken cancellationToken)
    {
        var running = _running.GetOrAdd(key, _ => new Lazy<Task>(run));
        try
        {
            await running.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(new KeyValuePair<string, Lazy<Task>>(key, running));
        }
    }
}
