using Serilog;
using Serilog.Events;

namespace TsvLive.Logging;

internal static class LoggingExtensions
{
    /// <summary>
    /// Serilog from configuration ("Serilog" section), plus any sinks registered in DI. Each host
    /// keeps its own logger and leaves the static <c>Log.Logger</c> alone (preserveStaticLogger), so
    /// several hosts in one process (the tests) never log through, or close, each other's logger.
    /// </summary>
    public static IServiceCollection AddTsvLiveLogging(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSerilog((serviceProvider, logger) => logger
            .ReadFrom.Configuration(configuration)
            // Logs every refused hub call at Error with a stack trace; Hubs/HubErrorFilter logs them instead.
            .MinimumLevel.Override("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogEventLevel.Fatal)
            .ReadFrom.Services(serviceProvider)
            .Enrich.FromLogContext(), preserveStaticLogger: true);

    /// <summary>One event per request, through this host's logger (not the static one, which it leaves alone).</summary>
    public static IApplicationBuilder UseTsvLiveRequestLogging(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
        return app.UseSerilogRequestLogging(options => options.Logger = logger);
    }
}
