using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TsvLive.Tables.Views;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Security;

/// <summary>View computations are bounded and fair across addresses: a flood of distinct views waits behind itself.</summary>
public sealed class ViewFloodTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Words()
    {
        // Each distinct `contains` filter reads every one of 600,000 records.
        var text = new StringBuilder("n\ttext\n");
        for (var i = 0; i < 600_000; i++)
        {
            text.Append(i).Append("\tsome words ").Append(i).Append(" more words\n");
        }
        return Tsv.Utf8(text.ToString());
    }

    [Fact]
    public async Task AnAddressAskingForManyViewsWaitsBehindItsOwnAndAnotherAddressIsServedInTurn()
    {
        await using var app = new TsvLiveFactory().With("TsvLive:MaxViewComputations", "1");
        var created = await app.CreateTableAsync(Words(), Ct);
        using var flooder = OtherAddress.HttpClientFrom(IPAddress.Parse("127.0.0.5"), app.ServerAddress);
        using var victim = OtherAddress.HttpClientFrom(IPAddress.Parse("127.0.0.6"), app.ServerAddress);
        var finished = new ConcurrentQueue<string>();
        // The one computation slot is taken first, so every view asked below waits, whatever the
        // machine's speed: the flood's six, then the victim's (a fast machine could otherwise finish the
        // flood's first views before its last ones arrived).
        var queue = app.Services.GetRequiredService<ViewWorkQueue>();
        var held = await queue.EnterAsync("the test", Ct);

        var flood = Enumerable.Range(1, 6).Select(async i =>
        {
            (await flooder.GetAsync($"/api/tables/{created.Id}/rows?filter=2:contains:{i}{i}{i}", Ct)).EnsureSuccessStatusCode();
            finished.Enqueue($"flood {i}");
        }).ToList();
        await WaitingAsync(queue, 6);
        var asked = Task.Run(async () =>
        {
            (await victim.GetAsync($"/api/tables/{created.Id}/rows?filter=2:contains:777", Ct)).EnsureSuccessStatusCode();
            finished.Enqueue("victim");
        }, Ct);
        await WaitingAsync(queue, 7);
        held.Dispose();
        await Task.WhenAll([.. flood, asked]).WithTimeout(TimeSpan.FromSeconds(60));

        // One at a time, turns by address: the victim's view comes right after the one running, not
        // behind all the flooder's others (without turns it finished last).
        var after = finished.Count - 1 - finished.ToList().IndexOf("victim");
        Assert.True(after >= 2, $"only {after} of the flood's views finished after the victim's: {string.Join(", ", finished)}");
    }

    private static async Task WaitingAsync(ViewWorkQueue queue, int views)
    {
        using var expired = new CancellationTokenSource(Timeouts.Default);
        while (queue.Waiting < views)
        {
            await Task.Delay(5, expired.Token);
        }
    }

    [Fact]
    public async Task AnAddressMayHaveOnlySoManyViewsWaiting()
    {
        await using var app = new TsvLiveFactory().With("TsvLive:MaxViewComputations", "1").With("TsvLive:MaxQueuedViewsPerAddress", "2");
        var created = await app.CreateTableAsync(Words(), Ct);
        using var flooder = OtherAddress.HttpClientFrom(IPAddress.Parse("127.0.0.7"), app.ServerAddress);

        var answers = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => flooder.GetAsync($"/api/tables/{created.Id}/rows?filter=2:contains:{i}{i}", Ct))).WithTimeout(TimeSpan.FromSeconds(60));

        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.TooManyRequests);
        await answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests).AssertProblemAsync(HttpStatusCode.TooManyRequests, Ct, "too-many-requests");
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
    }
}
