using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Hubs;

/// <summary>Following a presenter (contract v2): Present, MovePresentation, Follow, Unfollow, StopPresenting and their events.</summary>
public sealed class PresentationTests(TsvLiveFactory factory) : IClassFixture<TsvLiveFactory>, IAsyncDisposable
{
    private readonly List<HubConnection> _connections = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFollowerSeesWhereThePresenterIsAtOnceThenEveryMoveAndTheLastOfABurstAlways()
    {
        var table = await factory.CreateTableAsync(Tsv.Numbered(5000), Ct);
        var presenter = await ConnectAsync();
        var started = await presenter.InvokeAsync<PresentationStarted>("Present", table.Id, Ct);
        await presenter.InvokeAsync("MovePresentation", table.Id, started.PresenterId, new RowsRequest(3, 50, ["2:desc"], ["1:gt:10"], "row"), Ct);
        var follower = await ConnectAsync();
        var moves = Moves(follower);

        await follower.InvokeAsync("Follow", table.Id, started.PresenterId, Ct);

        var first = await moves.WaitForAsync(_ => true);
        Assert.Equal((table.Id, started.PresenterId, 3L, 50, "2:desc", "1:gt:10", "row"),
            (first.Id, first.PresenterId, first.Position.Page!.Value, first.Position.PageSize!.Value, first.Position.Sort!.Single(), first.Position.Filter!.Single(), first.Position.Q));

        // A burst of 100 moves: followers hear at most about ten a second (the first at once, then one an
        // interval of 100 ms), and the last one always.
        var burst = System.Diagnostics.Stopwatch.StartNew();
        for (var page = 1; page <= 100; page++)
        {
            await presenter.InvokeAsync("MovePresentation", table.Id, started.PresenterId, new RowsRequest(page, 100), Ct);
        }
        var took = burst.Elapsed;
        await moves.WaitForAsync(m => m.Position.Page == 100);
        await Task.Delay(300, Ct);
        var heard = moves.All.Count - 1;
        Assert.InRange(heard, 1, (int)(took.TotalMilliseconds / 100) + 3);
        Assert.Equal(100, moves.All.Last().Position.Page);
        Assert.Empty(moves.All.Last().Position.Sort!);
        Assert.Null(moves.All.Last().Position.Q);
    }

    [Fact]
    public async Task OnlyThePresenterMovesOrEndsItsPresentationAndAnUnknownOneIsNotFound()
    {
        var table = await factory.CreateTableAsync(Tsv.Numbered(10), Ct);
        var other = await factory.CreateTableAsync(Tsv.Numbered(10), Ct);
        var presenter = await ConnectAsync();
        var started = await presenter.InvokeAsync<PresentationStarted>("Present", table.Id, Ct);
        var stranger = await ConnectAsync();

        await AssertRefusedAsync("not-the-presenter", stranger.InvokeAsync("MovePresentation", table.Id, started.PresenterId, new RowsRequest(2, 100), Ct));
        await AssertRefusedAsync("not-the-presenter", stranger.InvokeAsync("StopPresenting", table.Id, started.PresenterId, Ct));
        await AssertRefusedAsync("presentation-not-found", stranger.InvokeAsync("Follow", table.Id, "AAAAAAAAAAAAAAAAAAAAAA", Ct));
        await AssertRefusedAsync("presentation-not-found", stranger.InvokeAsync("Follow", other.Id, started.PresenterId, Ct)); // another table's
        await AssertRefusedAsync("table-not-found", stranger.InvokeAsync<PresentationStarted>("Present", "AAAAAAAAAAAAAAAAAAAAAA", Ct));
        await AssertRefusedAsync("invalid-page-request", presenter.InvokeAsync("MovePresentation", table.Id, started.PresenterId, new RowsRequest(0, 100), Ct));
        await AssertRefusedAsync("invalid-page-request", presenter.InvokeAsync("MovePresentation", table.Id, started.PresenterId, new RowsRequest(1, 100_000), Ct));

        var second = await presenter.InvokeAsync<PresentationStarted>("Present", table.Id, Ct);
        Assert.Matches("^[A-Za-z0-9_-]{22}$", started.PresenterId);
        Assert.NotEqual(started.PresenterId, second.PresenterId);
    }

    [Fact]
    public async Task FollowersHearWhenThePresentationStopsOrItsPresenterLeavesAndThePresenterHearsHowManyFollow()
    {
        var table = await factory.CreateTableAsync(Tsv.Numbered(10), Ct);
        var presenter = await ConnectAsync();
        var counts = new Recorded<(string Id, string PresenterId, int Count)>();
        presenter.On<string, string, int>("FollowerCount", (id, presenterId, count) => counts.Add((id, presenterId, count)));
        var stopped = await presenter.InvokeAsync<PresentationStarted>("Present", table.Id, Ct);
        var (a, b) = (await ConnectAsync(), await ConnectAsync());
        var endedA = Ends(a);
        var endedB = Ends(b);

        await a.InvokeAsync("Follow", table.Id, stopped.PresenterId, Ct);
        await b.InvokeAsync("Follow", table.Id, stopped.PresenterId, Ct);
        await counts.WaitForAsync(c => c.Count == 2);
        await b.InvokeAsync("Unfollow", table.Id, stopped.PresenterId, Ct);
        await counts.WaitForAsync(c => c.Count == 1 && c.PresenterId == stopped.PresenterId);
        await presenter.InvokeAsync("StopPresenting", table.Id, stopped.PresenterId, Ct);

        Assert.Equal(stopped.PresenterId, await endedA.Task.WaitAsync(Timeouts.Default, Ct));
        await Task.Delay(200, Ct);
        Assert.False(endedB.Task.IsCompleted); // it had stopped following
        await AssertRefusedAsync("presentation-not-found", a.InvokeAsync("Follow", table.Id, stopped.PresenterId, Ct));

        // A presenter that leaves ends its presentation too.
        var left = await presenter.InvokeAsync<PresentationStarted>("Present", table.Id, Ct);
        var endedLeft = Ends(b);
        await b.InvokeAsync("Follow", table.Id, left.PresenterId, Ct);
        await presenter.StopAsync(Ct);
        Assert.Equal(left.PresenterId, await endedLeft.Task.WaitAsync(Timeouts.Default, Ct));
    }

    private static async Task AssertRefusedAsync(string code, Task call)
    {
        var refused = await Assert.ThrowsAsync<HubException>(() => call);
        Assert.Contains($"HubException: {code}: ", refused.Message, StringComparison.Ordinal);
    }

    private static Recorded<(string Id, string PresenterId, RowsRequest Position)> Moves(HubConnection connection)
    {
        var moves = new Recorded<(string Id, string PresenterId, RowsRequest Position)>();
        connection.On<string, string, RowsRequest>("PresenterMoved", (id, presenterId, position) => moves.Add((id, presenterId, position)));
        return moves;
    }

    private static TaskCompletionSource<string> Ends(HubConnection connection)
    {
        var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<string, string>("PresentationEnded", (_, presenterId) => ended.TrySetResult(presenterId));
        return ended;
    }

    private async Task<HubConnection> ConnectAsync()
    {
        var connection = await factory.ConnectHubAsync(Ct);
        _connections.Add(connection);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}
