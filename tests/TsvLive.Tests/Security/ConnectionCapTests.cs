using System.Net.WebSockets;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Security;

public class ConnectionCapTests(ConnectionCapTests.Factory factory) : IClassFixture<ConnectionCapTests.Factory>
{
    public sealed class Factory : TsvLiveFactory
    {
        public Factory() => With("TsvLive:MaxConnections", "2");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConnectionsBeyondTheCapAreRefused()
    {
        using var first = await RawHubSocket.ConnectAsync(factory.ServerAddress, Ct);
        using var second = await RawHubSocket.ConnectAsync(factory.ServerAddress, Ct);

        await Assert.ThrowsAnyAsync<WebSocketException>(() => RawHubSocket.ConnectAsync(factory.ServerAddress, Ct));

        first.Abort();

        // The server frees the place once it has seen the socket close; wait for that, not for a fixed time.
        using var third = await ConnectWhenAPlaceIsFreeAsync();
        Assert.NotNull(third);
    }

    private async Task<RawHubSocket> ConnectWhenAPlaceIsFreeAsync()
    {
        using var expired = new CancellationTokenSource(Timeouts.Default);
        while (true)
        {
            try
            {
                return await RawHubSocket.ConnectAsync(factory.ServerAddress, Ct);
            }
            catch (WebSocketException) when (!expired.IsCancellationRequested)
            {
                await Task.Delay(50, Ct);
            }
        }
    }
}
