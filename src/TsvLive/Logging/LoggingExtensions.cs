using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using TsvLive.Operations;

namespace TsvLive.Logging;

internal static class LoggingExtensions
{
    /// <summary>The key that switches the console to JSON lines (<c>TsvLive__LogFormat=json</c>): Serilog's rendered compact format (@t, @m, @i, @l, @x, properties).</summary>
    public const string FormatKey = TsvLiveOptions.Section + ":" + nameof(TsvLiveOptions.LogFormat);

    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// Serilog: the console always (plain lines, or one JSON object per line with TsvLive:LogFormat
    /// = json), levels and further sinks from configuration ("Serilog" section), plus any sinks
    /// registered in DI. Each host keeps its own logger and leaves the static <c>Log.Logger</c> alone
    /// (preserveStaticLogger), so several hosts in one process (the tests) never log through, or
    /// close, each other's logger.
    /// </summary>
    public static IServiceCollection AddTsvLiveLogging(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSerilog((serviceProvider, logger) => WriteToConsole(logger, configuration[FormatKey])
            .ReadFrom.Configuration(configuration)
            // Logs every refused hub call at Error with a stack trace; Hubs/HubErrorFilter logs them instead.
            .MinimumLevel.Override("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogEventLevel.Fatal)
            .ReadFrom.Services(serviceProvider)
            // A setting the app cannot start with is said once, in one line (StartupProblems), not logged with a stack trace too.
            .Filter.ByExcluding(e => e.Exception is { } problem && StartupProblems.Explain(problem).Count > 0)
            .Enrich.FromLogContext(), preserveStaticLogger: true);

    /// <summary>One event per request, through this host's logger (not the static one, which it leaves alone).</summary>
    public static IApplicationBuilder UseTsvLiveRequestLogging(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
        return app.UseSerilogRequestLogging(options => options.Logger = logger);
    }

    private static LoggerConfiguration WriteToConsole(LoggerConfiguration logger, string? format) =>
        string.Equals(format, "json", StringComparison.OrdinalIgnoreCase)
            ? logger.WriteTo.Console(new RenderedCompactJsonFormatter())
            : logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
}
