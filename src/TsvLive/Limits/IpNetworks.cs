using System.Net;
using System.Net.Sockets;
using IPNetwork = System.Net.IPNetwork;

namespace TsvLive.Limits;

/// <summary>The addresses and networks options name (TsvLive:KnownProxies, TsvLive:MetricsNetworks).</summary>
internal static class IpNetworks
{
    /// <summary>An address ("10.0.0.5") or a network ("10.0.0.0/8"); null when it is neither.</summary>
    public static IPNetwork? TryParse(string text) =>
        IPNetwork.TryParse(text, out var network) ? network
        : IPAddress.TryParse(text, out var address) ? new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
        : null;
}
