using Microsoft.AspNetCore.SignalR;
using TsvLive.Errors;

namespace TsvLive.Hubs;

/// <summary>Turns the errors a client caused into <see cref="HubException"/>s whose message tells a person what to do.</summary>
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
            throw new HubException(e.Message, e);
        }
    }
}
