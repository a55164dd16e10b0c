using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

/// <summary>The data directory's own limits: a disk budget, and expiry of tables nobody views.</summary>
public sealed class StorageLimitsTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new("tsvlive-limits-");

    private string Data => _directory.Path;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFullDiskRefusesWith507AndWhatIsStoredStaysIntact()
    {
        await using var app = new TsvLiveFactory().With("TsvLive:DataDirectory", Data).With("TsvLive:MaxDiskBytes", "150000").With("TsvLive:MaxDiskBytesShare", "1");
        using var http = app.CreateHttpClient();
        var first = await app.CreateTableAsync(Tsv.Numbered(4000), Ct); // about 90 KB
        var heldBefore = app.Budget.Held;

        var second = await http.PostAsync("/api/tables?name=too-much.tsv", new ByteArrayContent(Tsv.Numbered(4001)), Ct);
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{first.Id}") { Content = new ByteArrayContent(Tsv.Numbered(4002)) };
        put.Headers.Add("X-Edit-Key", first.EditKey);
        var replaced = await http.SendAsync(put, Ct);

        var problem = await second.AssertProblemAsync(HttpStatusCode.InsufficientStorage, Ct, code: "storage-full");
        Assert.Contains("storage holds as much as it may", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal([first.Id], Directory.GetDirectories(Path.Combine(Data, "tables")).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(Data, "*.tmp", SearchOption.AllDirectories));
        // A replacement may use the room of the version it replaces.
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(["2.tsv", "table.json"], Directory.GetFiles(Path.Combine(Data, "tables", first.Id)).Select(Path.GetFileName).Order());
        Assert.Equal(Tsv.Numbered(4002), await http.GetByteArrayAsync($"/api/tables/{first.Id}/file", Ct));
        Assert.InRange(app.Budget.Held, heldBefore - 4096, heldBefore + 4096);
    }

    [Fact]
    public async Task AReplacementACrashLeftBehindTakesNoRoomAfterARestart()
    {
        string id;
        await using (var first = new TsvLiveFactory().With("TsvLive:DataDirectory", Data))
        {
            id = (await first.CreateTableAsync(Tsv.Numbered(4000), Ct)).Id; // about 90 KB
        }
        // A crash after a replacement's bytes were renamed into place, before its metadata: not committed.
        await File.WriteAllBytesAsync(Path.Combine(Data, "tables", id, "2.tsv"), Tsv.Numbered(4000), Ct);

        await using var again = new TsvLiveFactory().With("TsvLive:DataDirectory", Data).With("TsvLive:MaxDiskBytes", "150000").With("TsvLive:MaxDiskBytesShare", "1");
        using var http = again.CreateHttpClient();
        var created = await http.PostAsync("/api/tables?name=fits.tsv", new ByteArrayContent(Tsv.Numbered(1500)), Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["1.tsv", "table.json"], Directory.GetFiles(Path.Combine(Data, "tables", id)).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task AReplacementCutOffBeforeItsMetadataLeavesTheVersionBeforeItAfterARestart()
    {
        TableCreated created;
        await using (var app = new TsvLiveFactory().With("TsvLive:DataDirectory", Data))
        {
            created = await app.CreateTableAsync(Tsv.Numbered(10), Ct);
            // The power goes out right after the first file of the replacement is renamed into place.
            var storage = (TsvLive.Tables.Storage.DataDirectoryStorage)app.Services.GetRequiredService<TsvLive.Tables.Storage.ITableStorage>();
            storage.Renamed = path => throw new IOException($"The power went out after {Path.GetFileName(path)}.");
            using var http = app.CreateHttpClient();
            var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{created.Id}") { Content = new ByteArrayContent(Tsv.Numbered(20, prefix: "lost")) };
            put.Headers.Add("X-Edit-Key", created.EditKey);
            Assert.False((await http.SendAsync(put, Ct)).IsSuccessStatusCode);
        }

        await using var again = new TsvLiveFactory().With("TsvLive:DataDirectory", Data);
        using var reader = again.CreateHttpClient();

        var info = await reader.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct);
        Assert.Equal((1, 10L), (info!.Version, info.RowCount));
        Assert.Equal(Tsv.Numbered(10), await reader.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct));
    }

    [Fact]
    public async Task OneAddressCannotFillTheDiskForEveryoneElse()
    {
        // 600 KB of disk, half of it for one address; files of about 100 KB.
        await using var app = new TsvLiveFactory().With("TsvLive:DataDirectory", Data).With("TsvLive:MaxDiskBytes", "600000");
        using var filler = OtherAddress.HttpClientFrom(System.Net.IPAddress.Parse("127.0.0.8"), app.ServerAddress);
        using var someoneElse = OtherAddress.HttpClientFrom(System.Net.IPAddress.Parse("127.0.0.9"), app.ServerAddress);
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await filler.PostAsync($"/api/tables?name=fill{i}.tsv", new ByteArrayContent(Tsv.Numbered(4400, prefix: $"f{i}")), Ct));
        }

        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        var problem = await answers[3].AssertProblemAsync(HttpStatusCode.InsufficientStorage, Ct, code: "address-storage-full");
        Assert.Contains("as much of the server's storage as one address may", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await someoneElse.PostAsync("/api/tables?name=mine.tsv", new ByteArrayContent(Tsv.Numbered(400)), Ct)).StatusCode);
        // The filler may still replace its own tables: the version replaced makes the room.
        var own = (await answers[0].Content.ReadFromJsonAsync<TableCreated>(Ct))!;
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{own.Id}") { Content = new ByteArrayContent(Tsv.Numbered(4400, prefix: "again")) };
        put.Headers.Add("X-Edit-Key", own.EditKey);
        Assert.Equal(HttpStatusCode.OK, (await filler.SendAsync(put, Ct)).StatusCode);

        // After a restart the shares are counted again from what is stored.
        await app.DisposeAsync();
        await using var again = new TsvLiveFactory().With("TsvLive:DataDirectory", Data).With("TsvLive:MaxDiskBytes", "600000");
        using var fillerAgain = OtherAddress.HttpClientFrom(System.Net.IPAddress.Parse("127.0.0.8"), again.ServerAddress);
        await (await fillerAgain.PostAsync("/api/tables?name=more.tsv", new ByteArrayContent(Tsv.Numbered(4400)), Ct))
            .AssertProblemAsync(HttpStatusCode.InsufficientStorage, Ct, code: "address-storage-full");
    }

    [Fact]
    public async Task TablesNobodyViewsExpireAndViewedOnesStay()
    {
        await using var app = new TsvLiveFactory().With("TsvLive:DataDirectory", Data).With("TsvLive:ExpireAfter", "00:00:02");
        using var http = app.CreateHttpClient();
        var forgotten = await app.CreateTableAsync(Tsv.Numbered(3), Ct);
        var used = await app.CreateTableAsync(Tsv.Numbered(4), Ct);

        // Viewing one keeps it; the other is not asked for at all (asking would keep it too).
        using var expired = new CancellationTokenSource(Timeouts.Default);
        while (Directory.Exists(Path.Combine(Data, "tables", forgotten.Id)))
        {
            (await http.GetAsync($"/api/tables/{used.Id}", expired.Token)).EnsureSuccessStatusCode();
            await Task.Delay(300, expired.Token);
        }

        Assert.False(Directory.Exists(Path.Combine(Data, "tables", forgotten.Id)));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/tables/{forgotten.Id}", Ct)).StatusCode);
        Assert.Equal(4, (await http.GetFromJsonAsync<TableInfo>($"/api/tables/{used.Id}", Ct))!.RowCount);
    }

    public void Dispose() => _directory.Dispose();
}
