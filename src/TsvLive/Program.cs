using TsvLive.Api;
using TsvLive.Cluster;
using TsvLive.Hubs;
using TsvLive.Logging;
using TsvLive.Operations;
using TsvLive.Tables.Hosting;
using TsvLive.Web;

// dotnet TsvLive.dll --probe: a container's health check asks the running app's /healthz.
if (HealthProbe.IsAsked(args))
{
    return HealthProbe.Run(args);
}

// A setting the app cannot start with is one plain line on standard error and exit code 1.
return StartupProblems.RunOrExplain(() =>
{
    // Configuration (appsettings.json) is read from the app's own folder, wherever it is started from.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory, WebRootPath = BrowserApp.WebRootPath });

    builder.Services.AddTsvLiveLogging(builder.Configuration);
    builder.Services.AddTsvLiveErrors();
    builder.Services.AddTsvLiveCluster(builder.Configuration); // Redis, when configured: before the parts it stands in for
    builder.Services.AddTables();
    builder.Services.AddTableHub(builder.Environment);
    builder.Services.AddReadiness();
    builder.Services.AddTsvLiveMetrics();
    builder.Services.AddTsvLiveConnectionLimits();

    var app = builder.Build();

    app.UseProxyHeaders();
    app.UseTsvLiveRequestLogging();
    app.UseSecurityHeaders();
    app.UseTsvLiveErrors();
    app.UseBrowserApp();
    app.UseHubOriginCheck();
    app.UseHubStoppingGate();
    app.UseRateLimiter();

    app.MapTablesApi();
    app.MapTableHub();
    app.MapBrowserApp();
    app.MapHealthEndpoints();
    app.MapTsvLiveMetrics();

    app.Run();
});

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
