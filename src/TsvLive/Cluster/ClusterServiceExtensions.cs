using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;
using TsvLive.Hubs;
using TsvLive.Tables.Storage;

namespace TsvLive.Cluster;

/// <summary>
/// Several instances as one service: when ConnectionStrings:Redis is set, Redis is the shared store
/// (instead of the data directory), carries the hub's events between instances (SignalR's Redis
/// backplane), the version announcements, the viewer counts and the presentations. Without it, nothing here is used.
/// </summary>
internal static class ClusterServiceExtensions
{
    /// <summary>Registers the cluster's parts when Redis is configured; call before the parts it stands in for.</summary>
    public static IServiceCollection AddTsvLiveCluster(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetConnectionString(RedisConnection.ConnectionStringName) is not { Length: > 0 } connectionString)
        {
            return services;
        }
        services.AddSingleton(_ => new RedisConnection(connectionString));
        services.AddSingleton<RedisTableStorage>();
        services.TryAddSingleton<ITableStorage>(provider => provider.GetRequiredService<RedisTableStorage>());
        services.TryAddSingleton<IViewerTotals, RedisViewerTotals>();
        services.TryAddSingleton<IPresentationDirectory, RedisPresentationDirectory>();
        services.AddHostedService<VersionSync>();
        services.AddSignalR().AddStackExchangeRedis();
        services.AddSingleton(typeof(RedisHubLifetimeManager<>));
        services.AddSingleton(typeof(HubLifetimeManager<>), typeof(OutageTolerantHubLifetimeManager<>));
        services.AddOptions<RedisOptions>().Configure<RedisConnection>((backplane, redis) =>
        {
            backplane.Configuration.ChannelPrefix = RedisChannel.Literal(RedisKeys.Prefix + "hub");
            backplane.ConnectionFactory = _ => Task.FromResult(redis.Multiplexer);
        });
        return services;
    }
}
