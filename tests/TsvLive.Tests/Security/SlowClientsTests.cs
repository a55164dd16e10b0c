using System.Net;
using System.Net.Sockets;
using System.Text;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Security;

/// <summary>
/// Run on their own (they measure the process's managed memory): a test in parallel would allocate
/// into the measurement.
/// </summary>
[CollectionDefinition(nameof(SlowClientsCollection), DisableParallelization = true)]
public sealed class SlowClientsCollection;

/// <summary>Clients that hold connections open or read large pages slowly, from one address or several.</summary>
[Collection(nameof(SlowClientsCollection))]
public sealed class SlowClientsTests(SlowClientsTests.Factory factory) : IClassFixture<SlowClientsTests.Factory>
{
    public sealed class Factory : TsvLiveFactory
    {
        public Factory()
        {
            WithProductionLimits();
            With("TsvLive:MaxConnectionsPerAddress", "4");
            With("TsvLive:IdleConnectionTimeout", "00:00:02");
            With("TsvLive:MaxPageReadsPerAddress", "2");
            With("TsvLive:MaxQueuedPageReadsPerAddress", "0"); // a third read is refused at once, not queued behind the stuck ones
            With("TsvLive:MaxPageBytes", "33554432");
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneAddressCannotHoldEveryConnectionAndIdleOnesAreClosed()
    {
        var crowd = IPAddress.Parse("127.0.0.8");
        var held = new List<Socket>();
        for (var i = 0; i < 4; i++)
        {
            held.Add(await OtherAddress.ConnectAsync(crowd, factory.ServerAddress, Ct));
        }
        try
        {
            using var fifth = await OtherAddress.ConnectAsync(crowd, factory.ServerAddress, Ct);
            using var someoneElse = OtherAddress.HttpClientFrom(IPAddress.Parse("127.0.0.9"), factory.ServerAddress);

            // Closed without an answer: refused at the door, not served and later timed out.
            Assert.Equal("", await AnswerToARequestAsync(fifth));
            Assert.Equal(HttpStatusCode.OK, (await someoneElse.GetAsync("/healthz", Ct)).StatusCode);
            // Connections that never send a request go after the idle timeout (2 s here).
            Assert.True(await OtherAddress.IsClosedByServerAsync(held[0], TimeSpan.FromSeconds(10)), "an idle connection is closed");
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task SlowReadersOfLargePagesHoldNeitherManyPlacesNorTheServersMemory()
    {
        // 2,000 rows of 8 KB: a page of 1,000 rows is 8 MB, more than a socket's buffers take.
        var row = new string('x', 8000) + "\n";
        var created = await factory.CreateTableAsync(Tsv.Utf8("text\n" + string.Concat(Enumerable.Repeat(row, 2000))), Ct);
        var request = Encoding.ASCII.GetBytes($"GET /api/tables/{created.Id}/rows?pageSize=1000 HTTP/1.1\r\nHost: localhost\r\n\r\n");
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var readers = new List<Socket>();
        try
        {
            // Four addresses, two stuck readers each (the most each may have): 8 pages of 8 MB in flight.
            foreach (var address in new[] { "127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14" })
            {
                for (var i = 0; i < 2; i++)
                {
                    var reader = await OtherAddress.ConnectAsync(IPAddress.Parse(address), factory.ServerAddress, Ct);
                    await reader.SendAsync(request, SocketFlags.None, Ct);
                    readers.Add(reader); // and never read
                }
            }
            using var third = OtherAddress.HttpClientFrom(IPAddress.Parse("127.0.0.11"), factory.ServerAddress);
            var refused = await WaitForStatusAsync(third, $"/api/tables/{created.Id}/rows?pageSize=1", HttpStatusCode.TooManyRequests);
            var memoryWhileStuck = GC.GetTotalMemory(forceFullCollection: true);

            await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, Ct, code: "too-many-requests");
            // Built in memory, 8 pages would hold about 8 × 24 MB (strings and JSON); written as read, almost nothing.
            var growth = memoryWhileStuck - memoryBefore;
            Assert.True(growth < 32 << 20, $"managed memory grew by {growth / 1e6:0.0} MB while 8 readers of 8 MB pages were stuck");
        }
        finally
        {
            readers.ForEach(r => r.Dispose());
        }
        using var again = OtherAddress.HttpClientFrom(IPAddress.Parse("127.0.0.11"), factory.ServerAddress);
        await WaitForStatusAsync(again, $"/api/tables/{created.Id}/rows?pageSize=1", HttpStatusCode.OK);
    }

    /// <summary>Asks until the answer has <paramref name="status"/> (the server's state changes a moment after the client's).</summary>
    private static async Task<HttpResponseMessage> WaitForStatusAsync(HttpClient http, string path, HttpStatusCode status)
    {
        using var expired = new CancellationTokenSource(Timeouts.Default);
        while (true)
        {
            var response = await http.GetAsync(path, expired.Token);
            if (response.StatusCode == status)
            {
                return response;
            }
            await Task.Delay(50, expired.Token);
        }
    }

    /// <summary>What the server answers to a request sent on <paramref name="socket"/> before it closes it ("" when nothing).</summary>
    private static async Task<string> AnswerToARequestAsync(System.Net.Sockets.Socket socket)
    {
        try
        {
            await socket.SendAsync("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray(), System.Net.Sockets.SocketFlags.None, Ct);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return ""; // closed before the request could be sent
        }
        using var within = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        within.CancelAfter(TimeSpan.FromSeconds(30));
        var answer = new List<byte>();
        var buffer = new byte[1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, within.Token)) > 0)
            {
                answer.AddRange(buffer.AsSpan(0, read));
            }
        }
        catch (System.Net.Sockets.SocketException)
        {
            // reset by the server
        }
        return System.Text.Encoding.ASCII.GetString([.. answer]);
    }
}
