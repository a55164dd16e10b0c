namespace TsvLive.Web;

/// <summary>Serves the browser app from wwwroot: the upload page at / and the table page at /t/{id}.</summary>
internal static class BrowserApp
{
    /// <summary>Where the browser app is served from: the wwwroot copied next to the app by the build.</summary>
    public static string WebRootPath => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    public static IApplicationBuilder UseBrowserApp(this IApplicationBuilder app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles();
        return app;
    }

    public static IEndpointRouteBuilder MapBrowserApp(this IEndpointRouteBuilder app)
    {
        app.MapFallbackToFile("/t/{id}", "index.html");
        return app;
    }
}
