using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using TsvLive.Api;
using TsvLive.Tables.Memory;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

/// <summary>
/// Memory let go (a replaced version, a dropped cache) is handed back to the system soon after, once
/// enough of it was let go, with one collection for everything let go meanwhile.
/// </summary>
public sealed class HeapReturnTests
{
    private static readonly TimeSpan s_delay = TimeSpan.FromMilliseconds(50);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LettingGoLessThanTheThresholdCollectsNothing()
    {
        using var heapReturn = new HeapReturn(1000, s_delay, NullLogger.Instance);

        heapReturn.Released(600);
        heapReturn.Released(0);
        heapReturn.Released(-500);
        await Task.Delay(s_delay * 6, Ct);

        Assert.Equal(0, heapReturn.Collections);
    }

    [Fact]
    public async Task PassingTheThresholdCollectsOnceAfterTheDelayForEverythingLetGoMeanwhile()
    {
        using var heapReturn = new HeapReturn(1000, s_delay, NullLogger.Instance);

        heapReturn.Released(600);
        heapReturn.Released(600);
        heapReturn.Released(5000);
        heapReturn.Released(5000);
        Assert.Equal(0, heapReturn.Collections);
        Assert.True(await Timeouts.Until(() => heapReturn.Collections > 0));
        await Task.Delay(s_delay * 6, Ct);

        Assert.Equal(1, heapReturn.Collections);

        // What counted towards that collection does not count again; new bytes do.
        heapReturn.Released(600);
        await Task.Delay(s_delay * 6, Ct);
        Assert.Equal(1, heapReturn.Collections);
        heapReturn.Released(600);
        Assert.True(await Timeouts.Until(() => heapReturn.Collections == 2));
    }

    [Fact]
    public async Task ReplacingALargeTableHandsTheOldVersionsMemoryBack()
    {
        await using var app = new TsvLiveFactory();
        var table = await app.CreateTableAsync(Tsv.Numbered(1_800_000), Ct); // about 37 MB, over the 32 MB that makes a return worth it
        Assert.Equal(0, app.Memory.HeapReturns);
        using var http = app.CreateHttpClient();
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{table.Id}") { Content = new ByteArrayContent(Tsv.Numbered(10)) };
        put.Headers.Add("X-Edit-Key", table.EditKey);

        var replaced = await (await http.SendAsync(put, Ct)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableInfo>(Ct);

        Assert.Equal(2, replaced!.Version);
        Assert.True(await Timeouts.Until(() => app.Memory.HeapReturns == 1), "The replaced version's memory was not handed back.");
    }
}
