using Microsoft.AspNetCore.SignalR;
using TsvLive.Errors;

namespace TsvLive.Hubs;

/// <summary>
/// Turns the errors a client caused into <see cref="HubException"/>s whose message tells a person what
/// to do, after the error's stable code and a colon ("table-not-found: There is no table…"), which
/// clients branch on instead of on the wording.
/// </summary>
internal sealed class HubErrorFilter : IHubFilter
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
            throw new HubException(MessageOf(e), e);
        }
    }

    public static string MessageOf(TsvLiveException e) => $"{e.Code}: {e.Message}";
}
