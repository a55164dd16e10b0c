using Serilog;

namespace TsvLive.Logging;

internal static class LoggingExtensions
{
    /// <summary>
    /// Serilog from configuration ("Serilog" section), plus any sinks registered in DI. No static
    /// bootstrap logger: several hosts in one test process each get their own.
    /// </summary>
    public static IServiceCollection AddTsvLiveLogging(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSerilog((serviceProvider, logger) => logger
            .ReadFrom.Configuration(configuration)
            .ReadFrom.Services(serviceProvider)
            .Enrich.FromLogContext());
}
