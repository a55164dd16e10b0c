using Microsoft.AspNetCore.SignalR;
using TsvLive.Errors;
using TsvLive.Operations;

namespace TsvLive.Hubs;

/// <summary>
/// Turns the errors a client caused into <see cref="HubException"/>s whose message tells a person what
/// to do, after the error's stable code and a colon ("table-not-found: There is no table…"), which
/// clients branch on instead of on the wording. It is also the one place hub errors are logged:
/// a client's error at Debug, one line and no stack trace (a stranger's flood of bad calls must not
/// flood the log); anything unexpected at Error with its stack trace. SignalR's own "Failed to invoke
/// hub method" event is turned off in <see cref="Logging.LoggingExtensions"/>.
/// </summary>
internal sealed partial class HubErrorFilter(TsvLiveMetrics metrics, ILogger<HubErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (TsvLiveException e)
        {
            metrics.Refused(e.Code);
            LogRefused(invocationContext.HubMethodName, e.Code, invocationContext.Context.ConnectionId);
            throw new HubException(MessageOf(e), e);
        }
        catch (OperationCanceledException) when (invocationContext.Context.ConnectionAborted.IsCancellationRequested)
        {
            throw; // the client went away; nobody is left to tell
        }
        catch (Exception e) when (e is not HubException)
        {
            LogFailed(e, invocationContext.HubMethodName, invocationContext.Context.ConnectionId);
            throw;
        }
    }

    public static string MessageOf(TsvLiveException e) => $"{e.Code}: {e.Message}";

    [LoggerMessage(LogLevel.Debug, "Hub call {Method} refused ({Code}) on connection {ConnectionId}")]
    private partial void LogRefused(string method, string code, string connectionId);

    [LoggerMessage(LogLevel.Error, "Hub call {Method} failed on connection {ConnectionId}")]
    private partial void LogFailed(Exception exception, string method, string connectionId);
}
