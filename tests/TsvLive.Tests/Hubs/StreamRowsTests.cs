using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TsvLive.Api;
using TsvLive.Tables.Memory;
using TsvLive.Tables.Views;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Hubs;

/// <summary>StreamRows: GetRows as a stream the client can cancel, so a superseded view stops costing the server.</summary>
public sealed class StreamRowsTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TsvLiveFactory _app = new TsvLiveFactory().With("TsvLive:MaxViewComputations", "1");

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task StreamRowsGivesTheSamePageAsGetRowsAndItsErrorsAsHubExceptions()
    {
        var created = await _app.CreateTableAsync(Tsv.Numbered(500), Ct);
        await using var hub = await _app.ConnectHubAsync(Ct);
        var request = new RowsRequest(2, 25, ["3:desc"], ["2:contains:1"], "row");

        var pages = await hub.StreamAsync<TablePage>("StreamRows", created.Id, request, Ct).ToListAsync(Ct).AsTask().WithTimeout();
        var expected = await hub.InvokeAsync<TablePage>("GetRows", created.Id, request, Ct).WithTimeout();

        var page = Assert.Single(pages);
        Assert.Equal(expected.RowNumbers, page.RowNumbers);
        Assert.Equal(expected.Rows.Select(r => string.Join('\t', r)), page.Rows.Select(r => string.Join('\t', r)));
        Assert.Equal(expected.TotalRows, page.TotalRows);
        Assert.Equal(expected.View.Sort, page.View.Sort);
        Assert.Equal(expected.View.Filter, page.View.Filter);

        var error = await Assert.ThrowsAsync<HubException>(() =>
            hub.StreamAsync<TablePage>("StreamRows", created.Id, new RowsRequest(Sort: ["9"]), Ct).ToListAsync(Ct).AsTask().WithTimeout());
        Assert.Contains("HubException: invalid-page-request: sort: '9' is not a column number; this table has columns 1 to 3.", error.Message);
    }

    [Fact]
    public async Task CancellingAStreamedViewStopsItsComputationAndTheConnectionGoesOn()
    {
        // A text with a non-ASCII letter is looked for in every cell of every record: a scan of 1,500,000
        // records, hundreds of milliseconds even on every core at once, against the few the cancel
        // takes to arrive (600,000 records were once scanned before it did).
        var text = new StringBuilder("a\tb\n");
        for (var i = 0; i < 1_500_000; i++)
        {
            text.Append("eeeeeeeeee\teeeeeeeeee\n");
        }
        var created = await _app.CreateTableAsync(Tsv.Utf8(text.ToString()), Ct);
        using var cancelled = new CancellationCounter(_app);
        await using var hub = await _app.ConnectHubAsync(Ct);
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var queue = _app.Services.GetRequiredService<ViewWorkQueue>();

        // While the view waits its turn (the one place is taken here), the connection's other calls are answered.
        var place = await queue.EnterAsync("someone else", Ct);
        var waiting = hub.StreamAsync<TablePage>("StreamRows", created.Id, new RowsRequest(Q: "née"), leave.Token).ToListAsync(leave.Token).AsTask();
        Assert.True(await Timeouts.Until(() => queue.Waiting == 1));
        var plain = await hub.InvokeAsync<TablePage>("GetRows", created.Id, new RowsRequest(1, 10), Ct).WithTimeout();
        Assert.Equal(10, plain.Rows.Count);
        leave.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WithTimeout());
        Assert.True(await Timeouts.Until(() => cancelled.Count == 1));
        place.Dispose();

        // And once it computes, cancelling stops the computation.
        using var leaveAgain = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var slow = hub.StreamAsync<TablePage>("StreamRows", created.Id, new RowsRequest(Q: "née"), leaveAgain.Token).ToListAsync(leaveAgain.Token).AsTask();
        Assert.True(await Timeouts.Until(() => queue.Running == 1));
        leaveAgain.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow.WithTimeout());
        Assert.True(await Timeouts.Until(() => cancelled.Count == 2));
        Assert.Equal(0, _app.Services.GetRequiredService<ViewCache>().HeldBytes);
        var after = await hub.InvokeAsync<TablePage>("GetRows", created.Id, new RowsRequest(1, 10, Sort: ["1"]), Ct).WithTimeout();
        Assert.Equal(10, after.Rows.Count);
    }

    /// <summary>Counts tsvlive.view.cancellations of this test's server only (meters are seen across the process).</summary>
    private sealed class CancellationCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public CancellationCounter(TsvLiveFactory app)
        {
            var factory = app.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "tsvlive.view.cancellations" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
