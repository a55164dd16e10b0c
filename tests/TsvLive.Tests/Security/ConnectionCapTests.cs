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
        await Task.Delay(200, Ct);
        using var third = await RawHubSocket.ConnectAsync(factory.ServerAddress, Ct);
    }
}
