using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;

namespace TsvLive.Cluster;

/// <summary>
/// SignalR's Redis backplane, with one change: while Redis cannot be reached, a connection that
/// opens, joins a table's group or closes does not wait for Redis (which would fail it after the
/// client's timeout); the backplane's subscriptions for it are made in the background, and Redis's
/// client makes them again once it is back. So a viewer can open a table this instance holds during
/// an outage, and hears its events once Redis is back. Everything else is the backplane's own.
/// </summary>
internal sealed partial class OutageTolerantHubLifetimeManager<THub>(
    RedisHubLifetimeManager<THub> backplane,
    RedisConnection redis,
    ILogger<OutageTolerantHubLifetimeManager<THub>> logger) : HubLifetimeManager<THub>, IDisposable where THub : Hub
{
    public override Task OnConnectedAsync(HubConnectionContext connection) => WhenReachable(backplane.OnConnectedAsync(connection));

    public override Task OnDisconnectedAsync(HubConnectionContext connection) => WhenReachable(backplane.OnDisconnectedAsync(connection));

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        WhenReachable(backplane.AddToGroupAsync(connectionId, groupName, cancellationToken));

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        WhenReachable(backplane.RemoveFromGroupAsync(connectionId, groupName, cancellationToken));

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        backplane.SendAllAsync(methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        backplane.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        backplane.SendConnectionAsync(connectionId, methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        backplane.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        backplane.SendGroupAsync(groupName, methodName, args, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        backplane.SendGroupsAsync(groupNames, methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        backplane.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        backplane.SendUserAsync(userId, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        backplane.SendUsersAsync(userIds, methodName, args, cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        backplane.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) =>
        backplane.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) =>
        backplane.TryGetReturnType(invocationId, out type);

    public void Dispose() => backplane.Dispose();

    /// <summary>The backplane's work: waited for while Redis is reachable, else left to finish (or fail, logged) on its own.</summary>
    private Task WhenReachable(Task work)
    {
        if (redis.IsConnected || work.IsCompleted)
        {
            return work;
        }
        _ = ObserveAsync(work);
        return Task.CompletedTask;
    }

    private async Task ObserveAsync(Task work)
    {
        try
        {
            await work.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Redis is down; its client subscribes again when it is back.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogDeferred(e.Message);
        }
    }

    [LoggerMessage(LogLevel.Debug, "A backplane subscription waits for Redis: {Reason}")]
    private partial void LogDeferred(string reason);
}
