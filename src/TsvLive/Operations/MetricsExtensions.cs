using OpenTelemetry.Metrics;

namespace TsvLive.Operations;

internal static class MetricsExtensions
{
    /// <summary>OpenTelemetry metrics: ASP.NET Core's (requests, Kestrel, SignalR) and TsvLive's own, in Prometheus text format.</summary>
    public static IServiceCollection AddTsvLiveMetrics(this IServiceCollection services)
    {
        services.AddSingleton<TsvLiveMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddMeter(TsvLiveMetrics.MeterName, "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections")
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>GET /metrics (Prometheus text format).</summary>
    public static IEndpointRouteBuilder MapTsvLiveMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
