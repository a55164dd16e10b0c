using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Security;

public class ShutdownTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnUploadInFlightEndsWithAnErrorAndViewersReconnectToAClearNotFound()
    {
        var port = FreePort.Next();
        var first = new TsvLiveFactory(port);
        var created = await first.CreateTableAsync(Tsv.Numbered(5), Ct);
        var viewer = new HubConnectionBuilder()
            .WithUrl(new Uri(first.ServerAddress, "/hubs/tables"), HttpTransportType.WebSockets)
            .WithAutomaticReconnect(new EveryFewMilliseconds())
            .Build();
        await using var _ = viewer;
        await viewer.StartAsync(Ct).WithTimeout();
        await viewer.InvokeAsync<TableInfo>("Watch", created.Id, Ct).WithTimeout();
        await using var uploader = await first.ConnectHubAsync(Ct);
        var ids = new Recorded<string>();
        uploader.On<string, long, long>("UploadProgress", (id, _, _) => ids.Add(id));
        var chunks = Channel.CreateUnbounded<byte[]>();
        await chunks.Writer.WriteAsync(Tsv.Numbered(100), Ct);
        var upload = uploader.InvokeAsync<TableCreated>("Upload", chunks.Reader, new UploadRequest("in-flight.tsv"), Ct);
        await ids.WaitForAsync(_ => true);

        var stopping = first.DisposeAsync().AsTask();

        // The upload ends at once, and its client hears why before the connection closes.
        var e = await Assert.ThrowsAsync<HubException>(() => upload.WithTimeout());
        Assert.Contains("HubException: server-stopping: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("The server is shutting down", e.Message, StringComparison.Ordinal);
        await stopping.WithTimeout(TimeSpan.FromSeconds(10));
        await using var restarted = new TsvLiveFactory(port);
        Assert.Equal(first.ServerAddress, restarted.ServerAddress);
        var missing = await WatchOnceReconnectedAsync(viewer, created.Id);
        Assert.Contains($"no table with id '{created.Id}'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("the table no longer exists", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ViewersAreDisconnectedAtOnceWhenTheServerStopsSoTheirPagesSayReconnecting()
    {
        var server = new TsvLiveFactory();
        var created = await server.CreateTableAsync(Tsv.Numbered(5), Ct);
        var viewer = new HubConnectionBuilder()
            .WithUrl(new Uri(server.ServerAddress, "/hubs/tables"), HttpTransportType.WebSockets)
            .WithAutomaticReconnect(new EveryFewMilliseconds())
            .Build();
        await using var _ = viewer;
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        viewer.Reconnecting += _ => { dropped.TrySetResult(); return Task.CompletedTask; };
        viewer.Closed += _ => { dropped.TrySetResult(); return Task.CompletedTask; };
        await viewer.StartAsync(Ct).WithTimeout();
        await viewer.InvokeAsync<TableInfo>("Watch", created.Id, Ct).WithTimeout();

        var stoppedAt = Stopwatch.StartNew();
        var stopping = server.DisposeAsync().AsTask();

        await dropped.Task.WithTimeout(TimeSpan.FromSeconds(30));
        var droppedAfter = stoppedAt.Elapsed;
        await stopping.WithTimeout();

        // At once: not after the 30 s a server may spend draining its connections.
        Assert.True(droppedAfter < TimeSpan.FromSeconds(15), $"The viewer was dropped {droppedAfter.TotalSeconds:0.0} s after the stop began");
        Assert.NotEqual(HubConnectionState.Connected, viewer.State);
    }

    [Fact]
    public async Task AStoppingServerRefusesNewHubConnectionsSoPagesWaitForTheNextOne()
    {
        await using var server = new TsvLiveFactory();
        using var http = server.CreateHttpClient();
        var lifetime = server.Services.GetRequiredService<IHostApplicationLifetime>();
        using var hold = new ManualResetEventSlim();
        // Holds the server in its stopping phase (as a long drain would) until the test has looked.
        lifetime.ApplicationStopping.Register(() => hold.Wait(Timeouts.Default));
        var stopping = Task.Run(lifetime.StopApplication, Ct);
        using (var expired = new CancellationTokenSource(Timeouts.Default))
        {
            while (!lifetime.ApplicationStopping.IsCancellationRequested)
            {
                await Task.Delay(10, expired.Token);
            }
        }

        var response = await http.PostAsync("/hubs/tables/negotiate?negotiateVersion=1", null, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, Ct, code: "server-stopping");
        Assert.Contains("connects again by itself", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(response.Headers.ConnectionClose, "the kept-alive connection is closed, so the page reconnects elsewhere");
        hold.Set();
        await stopping.WithTimeout();
    }

    /// <summary>Watches the table as soon as the viewer is connected again; the server must answer "not found".</summary>
    private static async Task<HubException> WatchOnceReconnectedAsync(HubConnection viewer, string id)
    {
        using var expired = new CancellationTokenSource(Timeouts.Default);
        while (true)
        {
            if (viewer.State == HubConnectionState.Connected)
            {
                try
                {
                    await viewer.InvokeAsync<TableInfo>("Watch", id, Ct).WithTimeout();
                    throw new InvalidOperationException("The restarted server still knows the table.");
                }
                catch (HubException e)
                {
                    return e;
                }
                catch (InvalidOperationException e) when (e.Message.Contains("not active", StringComparison.Ordinal))
                {
                    // dropped again between the state check and the call: wait for the next reconnect
                }
            }
            await Task.Delay(50, expired.Token);
        }
    }

    private sealed class EveryFewMilliseconds : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => TimeSpan.FromMilliseconds(100);
    }
}
