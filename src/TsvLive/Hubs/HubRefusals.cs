using System.Collections.Concurrent;

namespace TsvLive.Hubs;

/// <summary>
/// Why this server last refused a live (hub) connection from each client address, and until when. A
/// browser cannot read the answer to a refused WebSocket request, so the page asks
/// <c>GET /api/live-connection</c>, which answers from here: it opens no connection and counts against
/// no limit. Holds at most <see cref="MaxAddresses"/> addresses; past that, expired ones are dropped,
/// then new refusals are not noted (the page then says only that it cannot connect).
/// </summary>
internal sealed class HubRefusals(TimeProvider clock)
{
    public const int MaxAddresses = 10_000;

    private readonly ConcurrentDictionary<string, Refusal> _refusals = new(StringComparer.Ordinal);

    /// <summary>A refusal: what the client was told, and when a new connection may succeed.</summary>
    public sealed record Refusal(string Detail, DateTimeOffset Until);

    /// <param name="client">The client's key (<see cref="Limits.ClientAddress.ClientKey"/>).</param>
    public void Refused(string client, string detail, TimeSpan retryAfter)
    {
        var now = clock.GetUtcNow();
        if (_refusals.Count >= MaxAddresses)
        {
            foreach (var (key, refusal) in _refusals)
            {
                if (refusal.Until <= now)
                {
                    _refusals.TryRemove(key, out _);
                }
            }
            if (_refusals.Count >= MaxAddresses)
            {
                return;
            }
        }
        _refusals[client] = new Refusal(detail, now + retryAfter);
    }

    /// <summary>The refusal still in force for the client, if any.</summary>
    public Refusal? Current(string client)
    {
        if (!_refusals.TryGetValue(client, out var refusal))
        {
            return null;
        }
        if (refusal.Until > clock.GetUtcNow())
        {
            return refusal;
        }
        _refusals.TryRemove(new KeyValuePair<string, Refusal>(client, refusal));
        return null;
    }
}
