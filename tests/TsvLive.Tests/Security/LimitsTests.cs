using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Security;

public sealed class LimitsTests(LimitsTests.Factory factory) : IClassFixture<LimitsTests.Factory>, IAsyncDisposable
{
    public sealed class Factory : TsvLiveFactory
    {
        public Factory() => With("TsvLive:MaxColumns", "5")
            .With("TsvLive:MaxCellsPerPage", "50")
            .With("TsvLive:MaxUploadsPerConnection", "1")
            .With("TsvLive:MaxUploadsPerAddress", "2")
            .With("TsvLive:HubCallsPerSecond", "5");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly HttpClient _http = factory.CreateHttpClient();
    private readonly List<HubConnection> _connections = [];

    [Fact]
    public async Task AFileWithTooManyColumnsIsRefusedAndLeavesNothing()
    {
        var before = factory.Store.Count;

        var response = await _http.PostAsync("/api/tables", new ByteArrayContent(Tsv.Utf8("a\tb\n1\t2\t3\t4\t5\t6\n")), Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, Ct);
        Assert.Equal("Too many columns", problem.GetProperty("title").GetString());
        Assert.Contains("at most 5 columns", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, factory.Store.Count);
    }

    [Fact]
    public async Task APageWithTooManyCellsIsRefusedWithTheRowsThatFit()
    {
        var created = await factory.CreateTableAsync(Tsv.Utf8("a\tb\tc\td\te\n1\t2\t3\t4\t5\n"), Ct);

        var tooWide = await _http.GetAsync($"/api/tables/{created!.Id}/rows?pageSize=11", Ct);
        var fits = await _http.GetAsync($"/api/tables/{created.Id}/rows?pageSize=10", Ct);

        var problem = await tooWide.AssertProblemAsync(HttpStatusCode.BadRequest, Ct);
        Assert.Contains("at most 10 rows", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    [Fact]
    public async Task OneConnectionRunsOneUploadAtATimeAndOneAddressTwo()
    {
        var first = await ConnectAsync();
        var second = await ConnectAsync();
        var (firstChunks, firstUpload) = await StartUploadAsync(first);

        var sameConnection = await Assert.ThrowsAsync<HubException>(() => first.InvokeAsync<TableCreated>(
            "Upload", OneChunk(), new UploadRequest("again.tsv"), Ct).WithTimeout());
        var (secondChunks, secondUpload) = await StartUploadAsync(second);
        var thirdFromAddress = await _http.PostAsync("/api/tables", new ByteArrayContent(Tsv.Numbered(1)), Ct);

        Assert.Contains("already running on this connection", sameConnection.Message, StringComparison.Ordinal);
        var problem = await thirdFromAddress.AssertProblemAsync(HttpStatusCode.TooManyRequests, Ct);
        Assert.Contains("already running from this address", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        firstChunks.Complete();
        secondChunks.Complete();
        await firstUpload.WithTimeout();
        await secondUpload.WithTimeout();
        // The refused attempts held no place: the address runs two at once again.
        var (againChunks, again) = await StartUploadAsync(first);
        var (alsoChunks, also) = await StartUploadAsync(second);
        againChunks.Complete();
        alsoChunks.Complete();
        Assert.Equal(10, (await again.WithTimeout()).RowCount);
        Assert.Equal(10, (await also.WithTimeout()).RowCount);
    }

    [Fact]
    public async Task AConnectionFloodingTheHubIsSlowedWhileOthersAreNot()
    {
        var created = await factory.CreateTableAsync(Tsv.Numbered(10), Ct);
        var flooder = await ConnectAsync();
        var other = await ConnectAsync();

        // Calls one after another until one is refused: the burst passes first, whenever the bucket refills.
        var passed = 0;
        string? refusal = null;
        while (refusal is null && passed < 500)
        {
            refusal = await RefusalOfAsync(flooder, created.Id);
            passed += refusal is null ? 1 : 0;
        }
        var page = await other.InvokeAsync<TablePage>("GetPage", created.Id, 1, 10, Ct).WithTimeout();

        Assert.InRange(passed, 10, 499);
        Assert.Contains("Too many requests: at most 5 a second", refusal, StringComparison.Ordinal);
        Assert.Equal(10, page.Rows.Count);
        Assert.Equal(HubConnectionState.Connected, flooder.State);
    }

    [Fact]
    public async Task ACallThatPassesStartsTheCountOfRefusalsInARowAgain()
    {
        var created = await factory.CreateTableAsync(Tsv.Numbered(10), Ct);
        var caller = await ConnectAsync();

        // Five rounds of three refusals each: fifteen over the connection's life, more than the ten in a
        // row that close it, but never more than three in a row.
        for (var round = 0; round < 5; round++)
        {
            var refused = 0;
            while (refused < 3)
            {
                refused += await RefusalOfAsync(caller, created.Id) is null ? 0 : 1;
            }
            // The bucket refills every second: after a longer wait the next call passes.
            await Task.Delay(TimeSpan.FromSeconds(1.2), Ct);
            Assert.Null(await RefusalOfAsync(caller, created.Id));
        }

        Assert.Equal(HubConnectionState.Connected, caller.State);
    }

    /// <summary>Null when a page call passes, else the refusal's message.</summary>
    private static async Task<string?> RefusalOfAsync(HubConnection connection, string id)
    {
        try
        {
            await connection.InvokeAsync<TablePage>("GetPage", id, 1, 10, Ct).WithTimeout();
            return null;
        }
        catch (HubException e)
        {
            return e.Message;
        }
    }

    [Fact]
    public async Task AConnectionThatKeepsCallingPastTheRateLimitIsClosed()
    {
        var created = await factory.CreateTableAsync(Tsv.Numbered(10), Ct);
        var flooder = await ConnectAsync();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flooder.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        await Task.WhenAll(Enumerable.Range(0, 60).Select(async _ =>
        {
            try
            {
                await flooder.InvokeAsync<TablePage>("GetPage", created!.Id, 1, 10, Ct);
            }
            catch (Exception e) when (e is HubException or TaskCanceledException or InvalidOperationException or IOException)
            {
                // refused, or the connection closed under it
            }
        })).WithTimeout();

        await closed.Task.WithTimeout();
        Assert.Equal(HubConnectionState.Disconnected, flooder.State);
        var other = await ConnectAsync();
        Assert.Equal(10, (await other.InvokeAsync<TablePage>("GetPage", created!.Id, 1, 10, Ct).WithTimeout()).Rows.Count);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>Starts an upload that stays open until its writer completes; returns once the server holds it.</summary>
    private static async Task<(ChannelWriter<byte[]> Chunks, Task<TableCreated> Upload)> StartUploadAsync(HubConnection connection)
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = connection.On<string, long, long>("UploadProgress", (_, _, _) => running.TrySetResult());
        var chunks = Channel.CreateUnbounded<byte[]>();
        chunks.Writer.TryWrite(Tsv.Numbered(10));
        var upload = connection.InvokeAsync<TableCreated>("Upload", chunks.Reader, new UploadRequest("slow.tsv"), Ct);
        await running.Task.WithTimeout();
        return (chunks.Writer, upload);
    }

    private async Task<HubConnection> ConnectAsync()
    {
        var connection = await factory.ConnectHubAsync(Ct);
        _connections.Add(connection);
        return connection;
    }

    private static async IAsyncEnumerable<byte[]> OneChunk()
    {
        await Task.Yield();
        yield return Tsv.Numbered(1);
    }
}
