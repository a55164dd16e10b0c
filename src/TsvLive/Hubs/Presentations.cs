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
/// Followers are a SignalR group, so they may be connected anywhere the hub's messages reach.
/// </summary>
internal sealed class Presentations(IHubContext<TablesHub, ITableClient> hub, TimeProvider clock, IOptions<TsvLiveOptions> options)
{
    /// <summary>The most presentations one connection gives at once (a page gives one).</summary>
    public const int MaxPerConnection = 4;

    private static readonly TimeSpan s_moveInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_countInterval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<string, Presentation> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> _given = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> _followed = new(StringComparer.Ordinal);

    public static string Group(string presenterId) => "presentation:" + presenterId;

    /// <summary>Starts a presentation of the table by the connection, at its first page.</summary>
    public string Start(string tableId, string connectionId)
    {
        var given = _given.GetOrAdd(connectionId, _ => new(StringComparer.Ordinal));
        if (given.Count >= MaxPerConnection)
        {
            throw new TooManyRequestsException($"A page may give at most {MaxPerConnection} presentations at once. Stop one before starting another.");
        }
        var id = TableSecrets.NewId();
        var presentation = new Presentation(tableId, id, connectionId, new RowsRequest(1, options.Value.DefaultPageSize, [], [], null), hub, clock);
        _byId[id] = presentation;
        given[id] = true;
        return id;
    }

    /// <summary>Moves the presentation; only its own connection may.</summary>
    public void Move(string tableId, string presenterId, string connectionId, RowsRequest position) =>
        Owned(tableId, presenterId, connectionId).MoveTo(Checked(position));

    /// <summary>Adds a follower; the position it should show now.</summary>
    public RowsRequest Follow(string tableId, string presenterId, string connectionId)
    {
        var presentation = Find(tableId, presenterId);
        if (_followed.GetOrAdd(connectionId, _ => new(StringComparer.Ordinal)).TryAdd(presenterId, true))
        {
            presentation.FollowerJoined();
        }
        return presentation.Position;
    }

    /// <summary>Removes a follower; whether it followed.</summary>
    public bool Unfollow(string presenterId, string connectionId)
    {
        if (!(_followed.TryGetValue(connectionId, out var followed) && followed.TryRemove(presenterId, out _)))
        {
            return false;
        }
        if (_byId.TryGetValue(presenterId, out var presentation))
        {
            presentation.FollowerLeft();
        }
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
        if (_given.TryRemove(connectionId, out var given))
        {
            foreach (var presenterId in given.Keys)
            {
                End(presenterId);
            }
        }
        if (_followed.TryRemove(connectionId, out var followed))
        {
            foreach (var presenterId in followed.Keys)
            {
                if (_byId.TryGetValue(presenterId, out var presentation))
                {
                    presentation.FollowerLeft();
                }
            }
        }
    }

    private void End(string presenterId)
    {
        if (_byId.TryRemove(presenterId, out var presentation))
        {
            if (_given.TryGetValue(presentation.ConnectionId, out var given))
            {
                given.TryRemove(presenterId, out _);
            }
            presentation.End();
        }
    }

    private Presentation Find(string tableId, string presenterId) =>
        _byId.TryGetValue(presenterId ?? "", out var presentation) && presentation.TableId == tableId ? presentation : throw new PresentationNotFoundException();

    private Presentation Owned(string tableId, string presenterId, string connectionId)
    {
        var presentation = Find(tableId, presenterId);
        return presentation.ConnectionId == connectionId ? presentation : throw new NotThePresenterException();
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

    /// <summary>One presentation: where it is, and the two coalesced messages it sends.</summary>
    private sealed class Presentation
    {
        private readonly Throttle<RowsRequest> _moves;
        private readonly Throttle<int> _counts;
        private readonly IHubContext<TablesHub, ITableClient> _hub;
        private RowsRequest _position;
        private int _followers;

        public Presentation(string tableId, string presenterId, string connectionId, RowsRequest position, IHubContext<TablesHub, ITableClient> hub, TimeProvider clock)
        {
            (TableId, PresenterId, ConnectionId, _position, _hub) = (tableId, presenterId, connectionId, position, hub);
            _moves = new Throttle<RowsRequest>(s_moveInterval, clock, moved => Send(hub.Clients.Group(Group(presenterId)).PresenterMoved(tableId, presenterId, moved)));
            _counts = new Throttle<int>(s_countInterval, clock, count => Send(hub.Clients.Client(connectionId).FollowerCount(tableId, presenterId, count)));
        }

        public string TableId { get; }
        public string PresenterId { get; }
        public string ConnectionId { get; }
        public RowsRequest Position => Volatile.Read(ref _position);

        public void MoveTo(RowsRequest position)
        {
            Volatile.Write(ref _position, position);
            _moves.Report(position);
        }

        public void FollowerJoined() => _counts.Report(Interlocked.Increment(ref _followers));

        public void FollowerLeft() => _counts.Report(Interlocked.Decrement(ref _followers));

        public void End()
        {
            _moves.Dispose();
            _counts.Dispose();
            Send(_hub.Clients.Group(Group(PresenterId)).PresentationEnded(TableId, PresenterId));
        }

        /// <summary>A follower that cannot be reached now misses a move; the next one, or its own reconnect, puts it right.</summary>
        private static void Send(Task sending) => sending.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
    }
}
