using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using TsvLive.Errors;
using TsvLive.Operations;

namespace TsvLive.Web;

/// <summary>Answers the errors a client caused with problem+json (RFC 9457) whose detail says what to do.</summary>
internal sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problems, TsvLiveMetrics metrics) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            TsvLiveException e => new ProblemDetails { Status = e.StatusCode, Title = e.Title, Detail = e.Message, Extensions = { ["code"] = e.Code } },
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "File too large",
                Detail = "The request is larger than the server accepts. Split the file into smaller files.",
                Extensions = { ["code"] = "upload-too-large" },
            },
            BadHttpRequestException e => new ProblemDetails
            {
                Status = e.StatusCode,
                Title = "Bad request",
                Detail = "The request could not be read (it may have been cut off). Check it and send it again.",
                Extensions = { ["code"] = "bad-request" },
            },
            _ => null,
        };
        if (problem is null || httpContext.Response.HasStarted)
        {
            return false;
        }
        metrics.Refused((string)problem.Extensions["code"]!);
        httpContext.Response.StatusCode = problem.Status!.Value;
        if (exception is TooManyRequestsException { RetryAfter: { } retryAfter })
        {
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }
}
