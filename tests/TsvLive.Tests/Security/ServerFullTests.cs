using System.Net;
using System.Net.Http.Json;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Security;

public class ServerFullTests(ServerFullTests.Factory factory) : IClassFixture<ServerFullTests.Factory>
{
    public sealed class Factory : TsvLiveFactory
    {
        // All of it for one address: this test is about the whole budget (the share has its own tests).
        public Factory() => With("TsvLive:MaxBytesInMemory", "100000").With("TsvLive:MaxBytesInMemoryShare", "1");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFullServerRefusesUploadsWith507UntilAReplacementMakesRoomByDroppingTheOlderVersion()
    {
        using var http = factory.CreateHttpClient();
        var big = Tsv.Numbered(2800);
        Assert.InRange(big.Length, 50_001, 90_000); // one fits in the budget of 100,000 bytes (with its index and overhead), two do not
        var first = await factory.CreateTableAsync(big, Ct);
        var tables = factory.Store.Count;

        var refused = await http.PostAsync("/api/tables", new ByteArrayContent(big), Ct);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.InsufficientStorage, Ct);
        Assert.Contains("cannot take this file now", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(tables, factory.Store.Count);
        Assert.Equal(await HeldBy(first!.Id), factory.Budget.Held);

        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{first!.Id}") { Content = new ByteArrayContent(Tsv.Numbered(1)) };
        put.Headers.Add("X-Edit-Key", first.EditKey);
        (await http.SendAsync(put, Ct)).EnsureSuccessStatusCode();
        // Memory only: the replaced version is kept in memory (version 1 of 2) while there is room.
        var older = Assert.Single(factory.Memory.OlderHeld);
        Assert.Equal(await HeldBy(first.Id) + older.Version.Content().HeldBytes, factory.Budget.Held);

        // A new table needs its room: the older version goes (oldest first), the current one stays.
        var accepted = await http.PostAsync("/api/tables", new ByteArrayContent(big), Ct);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Empty(factory.Memory.OlderHeld);
        Assert.Equal([2], (await http.GetFromJsonAsync<VersionInfo[]>($"/api/tables/{first.Id}/versions", Ct))!.Select(v => v.Version));
    }

    /// <summary>What the budget counts for a table's current version: its bytes, index and overhead.</summary>
    private async Task<long> HeldBy(string id) => (await factory.Store.GetAsync(id, Ct)).Current.Content().HeldBytes;
}
