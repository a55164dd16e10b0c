using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace TsvLive.Tests.Fixtures;

public static class FreePort
{
    // Below the system's ephemeral range (32768 and up on Linux), which every server listening on
    // port 0 draws from: a port picked here is never handed to one of those between being picked
    // and being listened on. Each port is handed out once per test run.
    private const int First = 20_000;
    private const int Last = 32_000;
    private static readonly ConcurrentDictionary<int, bool> s_handedOut = new();

    /// <summary>A loopback port nothing listens on now, that no other part of this test run was given.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            if (!s_handedOut.TryAdd(port, true))
            {
                continue;
            }
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // in use by something else on the machine: another one
            }
        }
        throw new InvalidOperationException($"No free loopback port between {First} and {Last}.");
    }
}
