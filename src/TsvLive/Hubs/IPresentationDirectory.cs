using System.Collections.Concurrent;
using TsvLive.Api;

namespace TsvLive.Hubs;

/// <summary>
/// Where presentations are known to every instance (Redis), so a follow link works through any of
/// them, and how many follow each; on one instance, this instance's memory.
/// </summary>
internal interface IPresentationDirectory
{
    /// <summary>Notes a presentation given here, where it is now. Never throws and never waits.</summary>
    void Publish(string presenterId, PresentationEntry entry);

    /// <summary>Forgets an ended presentation. Never throws and never waits.</summary>
    void Remove(string presenterId);

    /// <summary>A presentation given on another instance; null when there is none.</summary>
    Task<PresentationEntry?> FindAsync(string presenterId, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="change"/> to the presentation's followers, over every instance; the new total.</summary>
    Task<int> CountFollowersAsync(string presenterId, int change, CancellationToken cancellationToken);
}

/// <summary>A presentation as other instances see it: its table, the presenting connection and where it is.</summary>
internal sealed record PresentationEntry(string TableId, string ConnectionId, RowsRequest Position);

/// <summary>One instance: presentations are all here already; only the followers are counted.</summary>
internal sealed class LocalPresentationDirectory : IPresentationDirectory
{
    private readonly ConcurrentDictionary<string, int> _followers = new(StringComparer.Ordinal);

    public void Publish(string presenterId, PresentationEntry entry) { }

    public void Remove(string presenterId) => _followers.TryRemove(presenterId, out _);

    public Task<PresentationEntry?> FindAsync(string presenterId, CancellationToken cancellationToken) => Task.FromResult<PresentationEntry?>(null);

    public Task<int> CountFollowersAsync(string presenterId, int change, CancellationToken cancellationToken) =>
        Task.FromResult(_followers.AddOrUpdate(presenterId, Math.Max(0, change), (_, count) => Math.Max(0, count + change)));
}
