using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace TsvLive.Limits;

/// <summary>
/// The client that a per-address limit counts. An IPv4 address is one client, also when written as
/// an IPv4-mapped IPv6 address (::ffff:a.b.c.d). An IPv6 address is counted by its network of
/// TsvLive:IPv6PrefixLength bits (64 by default): one home or office line gets a whole /64, and its
/// every address must not count as another person.
/// </summary>
internal static class ClientAddress
{
    /// <summary>The address a limit counts: the IPv4 address, or the IPv6 network's first address; null when unknown.</summary>
    public static IPAddress? Of(IPAddress? address, int ipv6PrefixLength)
    {
        if (address is null)
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || ipv6PrefixLength >= 128)
        {
            return address;
        }
        var bytes = address.GetAddressBytes();
        for (var bit = ipv6PrefixLength; bit < 128; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }
        return new IPAddress(bytes);
    }

    /// <summary>The same, as the text limits key on ("unknown" when there is no address).</summary>
    public static string Key(IPAddress? address, int ipv6PrefixLength) => Of(address, ipv6PrefixLength)?.ToString() ?? "unknown";

    /// <summary>The client of a request (its address as seen after a known proxy's headers), as every per-request limit keys on it.</summary>
    public static string ClientKey(this HttpContext http) =>
        Key(http.Connection.RemoteIpAddress, http.RequestServices.GetRequiredService<IOptions<TsvLiveOptions>>().Value.IPv6PrefixLength);
}
