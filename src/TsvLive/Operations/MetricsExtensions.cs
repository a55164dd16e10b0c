using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using TsvLive.Errors;
using TsvLive.Limits;
using IPNetwork = System.Net.IPNetwork;

namespace TsvLive.Operations;

internal static class MetricsExtensions
{
    /// <summary>Where a Prometheus server usually scrapes from: loopback and the private ranges.</summary>
    private static readonly string[] s_defaultNetworks = ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];

    /// <summary>The service's name in every metric's resource (Prometheus: <c>target_info{service_name="tsvlive"}</c>).</summary>
    public const string ServiceName = "tsvlive";

    /// <summary>
    /// OpenTelemetry metrics in Prometheus text format: ASP.NET Core's (requests, Kestrel, SignalR),
    /// the .NET runtime's (GC, heap, thread pool, JIT) and the process's (memory, CPU, threads), and
    /// TsvLive's own (<see cref="TsvLiveMetrics"/>, its durations in second-sized buckets).
    /// </summary>
    public static IServiceCollection AddTsvLiveMetrics(this IServiceCollection services)
    {
        services.AddSingleton<TsvLiveMetrics>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: typeof(MetricsExtensions).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddMeter(TsvLiveMetrics.MeterName, "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections")
                .AddPrometheusExporter());
        return services;
    }

    /// <summary>
    /// GET /metrics (Prometheus text format), only to TsvLive:MetricsNetworks: the counts of tables,
    /// uploads and refusals are the operator's, not every visitor's.
    /// </summary>
    public static IEndpointRouteBuilder MapTsvLiveMetrics(this IEndpointRouteBuilder app)
    {
        var configured = app.ServiceProvider.GetRequiredService<IOptions<TsvLiveOptions>>().Value.MetricsNetworks;
        IPNetwork[] allowed = [.. (configured.Length > 0 ? configured : s_defaultNetworks).Select(IpNetworks.TryParse).OfType<IPNetwork>()];
        app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, configureBranchedPipeline: branch => branch.Use((context, next) =>
            context.Connection.RemoteIpAddress is { } address && IsAllowed(allowed, address) ? next(context) : throw new MetricsForbiddenException()),
            optionsName: null);
        return app;
    }

    private static bool IsAllowed(IPNetwork[] allowed, IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return allowed.Any(network => network.Contains(plain));
    }
}
