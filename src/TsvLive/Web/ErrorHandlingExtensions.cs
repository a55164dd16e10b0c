namespace TsvLive.Web;

internal static class ErrorHandlingExtensions
{
    public static IServiceCollection AddTsvLiveErrors(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        return services;
    }

    /// <summary>Exceptions become problem+json; bare error statuses (a route that does not exist, a query that does not bind) get a problem body too.</summary>
    public static IApplicationBuilder UseTsvLiveErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
