using Microsoft.Net.Http.Headers;
using TsvLive.Errors;

namespace TsvLive.Hubs;

/// <summary>
/// Refuses new hub connections (negotiate and connect) once the server has begun to stop, and
/// closes the HTTP connection they came on. Without it a page whose connection was just closed
/// reconnects at once, over a kept-alive HTTP connection, to the draining server and keeps paging
/// there until it dies, instead of waiting for the next instance.
/// </summary>
internal static class HubStoppingGate
{
    public static IApplicationBuilder UseHubStoppingGate(this IApplicationBuilder app)
    {
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        return app.Use(async (context, next) =>
        {
            if (stopping.IsCancellationRequested && context.Request.Path.StartsWithSegments(TablesHub.Path))
            {
                // At sending time, so the error handler's reset of the response keeps it.
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers[HeaderNames.Connection] = "close";
                    return Task.CompletedTask;
                });
                throw new ServerStoppingException(upload: false);
            }
            await next(context);
        });
    }
}
