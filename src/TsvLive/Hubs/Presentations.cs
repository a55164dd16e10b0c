using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TsvLive.Api;
using TsvLive.Errors;
using TsvLive.Tables;
using TsvLive.Tables.Uploads;

namespace TsvLive.Hubs;

/// <summary>
/// Presentations (contract v2, "Following a presenter"): a connection presents a table under a random
/// id, moves through it, and its followers are told where it is: every move coalesced to about ten a
/// second, the last one always sent. A presentation ends when its connection stops it or leaves.
/// Followers are a SignalR group, so they may be connected to any instance; the directory
/// (<see cref="IPresentationDirectory"/>) lets any instance find a presentation and counts followers.
/// </summary>
internal sealed class Presentations(
    IHubContext<TablesHub, ITableClient> hub, TableEvents events, IPresentationDirectory directory, TimeProvider clock, IOptions<TsvLiveOptions> options)
{
    /// <summary>The most presentations one connection gives at once (a page gives one).</summary>
    public const int MaxPerConnection = 4;

    private static readonly TimeSpan s_moveInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The presentations given here, by presenter id.</summary>
    private readonly ConcurrentDictionary<string, Presentation> _given = new(StringComparer.Ordinal);

    /// <summary>Per connection: the presentations it gives, and those it follows (with the presenting connection).</summary>
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> _givenBy = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Followed>> _followedBy = new(StringComparer.Ordinal);

    private sealed record Followed(string TableId, string PresenterConnectionId);

    public static string Group(string presenterId) => "presentation:" + presenterId;

    /// <summary>Starts a presentation of the table by the connection, at its first page.</summary>
    public string Start(string tableId, string connectionId)
    {
        var given = _givenBy.GetOrAdd(connectionId, _ => new(StringComparer.Ordinal));
        if (given.Count >= MaxPerConnection)
        {
            throw new TooManyRequestsException($"A page may give at most {MaxPerConnection} presentations at once. Stop one before starting another.");
        }
        var id = TableSecrets.NewId();
        var presentation = new Presentation(tableId, id, connectionId, new RowsRequest(1, options.Value.DefaultPageSize, [], [], null), hub, events, directory, clock);
        _given[id] = presentation;
        given[id] = true;
        directory.Publish(id, presentation.Entry);
        return id;
    }

    /// <summary>Moves the presentation; only its own connection may.</summary>
    public void Move(string tableId, string presenterId, string connectionId, RowsRequest position) =>
        Owned(tableId, presenterId, connectionId).MoveTo(Checked(position));

    /// <summary>Adds a follower (of a presentation given here or on another instance); the position it should show now.</summary>
    public async Task<RowsRequest> FollowAsync(string tableId, string presenterId, string connectionId, CancellationToken cancellationToken)
    {
        var entry = _given.TryGetValue(presenterId ?? "", out var here) ? here.Entry : await directory.FindAsync(presenterId ?? "", cancellationToken).ConfigureAwait(false);
        if (entry is null || entry.TableId != tableId)
        {
            throw new PresentationNotFoundException();
        }
        if (_followedBy.GetOrAdd(connectionId, _ => new(StringComparer.Ordinal)).TryAdd(presenterId!, new Followed(tableId, entry.ConnectionId)))
        {
            Count(presenterId!, new Followed(tableId, entry.ConnectionId), +1);
        }
        return entry.Position;
    }

    /// <summary>Removes a follower; whether it followed.</summary>
    public bool Unfollow(string presenterId, string connectionId)
    {
        if (!(_followedBy.TryGetValue(connectionId, out var followed) && followed.TryRemove(presenterId, out var presentation)))
        {
            return false;
        }
        Count(presenterId, presentation, -1);
        return true;
    }

    /// <summary>Ends the presentation; only its own connection may.</summary>
    public void Stop(string tableId, string presenterId, string connectionId)
    {
        Owned(tableId, presenterId, connectionId);
        End(presenterId);
    }

    /// <summary>A connection left: its presentations end, and it follows nothing any more.</summary>
    public void Disconnected(string connectionId)
    {
        if (_givenBy.TryRemove(connectionId, out var given))
        {
            foreach (var presenterId in given.Keys)
            {
                End(presenterId);
            }
        }
        if (_followedBy.TryRemove(connectionId, out var followed))
        {
            foreach (var (presenterId, presentation) in followed)
            {
                Count(presenterId, presentation, -1);
            }
        }
    }

    /// <summary>
    /// Counts a follower in or out, over every instance, and tells the presenter the total; runs on
    /// (a count the presenter misses is corrected by the next one, and never fails a follow).
    /// </summary>
    private void Count(string presenterId, Followed presentation, int change)
    {
        events.Send(CountAsync());

        async Task CountAsync()
        {
            var count = await directory.CountFollowersAsync(presenterId, change, CancellationToken.None).ConfigureAwait(false);
            await hub.Clients.Client(presentation.PresenterConnectionId).FollowerCount(presentation.TableId, presenterId, count).ConfigureAwait(false);
        }
    }

    private void End(string presenterId)
    {
        if (_given.TryRemove(presenterId, out var presentation))
        {
            if (_givenBy.TryGetValue(presentation.Entry.ConnectionId, out var given))
            {
                given.TryRemove(presenterId, out _);
            }
            directory.Remove(presenterId);
            presentation.End();
        }
    }

    private Presentation Owned(string tableId, string presenterId, string connectionId)
    {
        if (!_given.TryGetValue(presenterId ?? "", out var presentation))
        {
            // Given on another instance (its connection is not this one), or not at all.
            throw new PresentationNotFoundException();
        }
        if (presentation.Entry.TableId != tableId)
        {
            throw new PresentationNotFoundException();
        }
        return presentation.Entry.ConnectionId == connectionId ? presentation : throw new NotThePresenterException();
    }

    /// <summary>A position followers can be sent: a page, a page size and a view within the limits of a view request.</summary>
    private RowsRequest Checked(RowsRequest? position)
    {
        if (position is null || position.Page is not >= 1 || position.PageSize is not { } size || size < 1 || size > options.Value.MaxPageSize)
        {
            throw new InvalidPageRequestException($"A presentation's position needs a page from 1 and a page size from 1 to {options.Value.MaxPageSize}.");
        }
        var sort = position.Sort ?? [];
        var filter = position.Filter ?? [];
        if (sort.Length > Tables.Views.ViewRequest.MaxSortKeys || filter.Length > Tables.Views.ViewRequest.MaxFilters
            || sort.Concat(filter).Append(position.Q ?? "").Any(part => part is null || part.Length > Tables.Views.ViewRequest.MaxTextLength + 20))
        {
            throw new InvalidPageRequestException("A presentation's view is larger than a view may be (sort keys, filters, or text to find).");
        }
        return new RowsRequest(position.Page, size, sort, filter, string.IsNullOrEmpty(position.Q) ? null : position.Q);
    }

    /// <summary>One presentation given here: where it is, and its moves, coalesced, to the followers and the directory.</summary>
    private sealed class Presentation
    {
        private readonly Throttle<RowsRequest> _moves;
        private readonly IHubContext<TablesHub, ITableClient> _hub;
        private readonly TableEvents _events;
        private PresentationEntry _entry;

        public Presentation(string tableId, string presenterId, string connectionId, RowsRequest position,
            IHubContext<TablesHub, ITableClient> hub, TableEvents events, IPresentationDirectory directory, TimeProvider clock)
        {
            (PresenterId, _entry, _hub, _events) = (presenterId, new PresentationEntry(tableId, connectionId, position), hub, events);
            // A follower that cannot be reached now misses a move; the next one, or its own reconnect, puts it right.
            _moves = new Throttle<RowsRequest>(s_moveInterval, clock, moved =>
            {
                directory.Publish(presenterId, Entry);
                events.Send(hub.Clients.Group(Group(presenterId)).PresenterMoved(tableId, presenterId, moved));
            });
        }

        public string PresenterId { get; }

        public PresentationEntry Entry => Volatile.Read(ref _entry);

        public void MoveTo(RowsRequest position)
        {
            Volatile.Write(ref _entry, Entry with { Position = position });
            _moves.Report(position);
        }

        public void End()
        {
            _moves.Dispose();
            _events.Send(_hub.Clients.Group(Group(PresenterId)).PresentationEnded(Entry.TableId, PresenterId));
        }
    }
}
