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
        var afterwards = await _http.PostAsync("/api/tables", new ByteArrayContent(Tsv.Numbered(1)), Ct);
        Assert.Equal(HttpStatusCode.Created, afterwards.StatusCode);
    }

    [Fact]
    public async Task AConnectionFloodingTheHubIsSlowedWhileOthersAreNot()
    {
        var created = await factory.CreateTableAsync(Tsv.Numbered(10), Ct);
        var flooder = await ConnectAsync();
        var other = await ConnectAsync();

        // A burst of 10 passes; 5 more are refused, fewer than the refusals in a row that close a connection.
        var results = await Task.WhenAll(Enumerable.Range(0, 15).Select(async _ =>
        {
            try
            {
                await flooder.InvokeAsync<TablePage>("GetPage", created!.Id, 1, 10, Ct);
                return null;
            }
            catch (HubException e)
            {
                return e.Message;
            }
        })).WithTimeout();
        var page = await other.InvokeAsync<TablePage>("GetPage", created!.Id, 1, 10, Ct).WithTimeout();

        Assert.Contains(results, r => r is not null && r.Contains("Too many requests: at most 5 a second", StringComparison.Ordinal));
        Assert.Contains(results, r => r is null);
        Assert.Equal(10, page.Rows.Count);
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
