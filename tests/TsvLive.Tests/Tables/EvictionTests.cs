using System.Net;
using System.Net.Http.Json;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

/// <summary>With tables kept in the data directory, a full memory budget evicts instead of refusing.</summary>
public sealed class EvictionTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new("tsvlive-evict-");

    private string Data => _directory.Path;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ManyTablesStayReadableWithASmallBudgetAndNoUploadGets507()
    {
        await using var app = new TsvLiveFactory()
            .With("TsvLive:DataDirectory", Data)
            .With("TsvLive:MaxBytesInMemory", "400000")
            .With("TsvLive:MaxBytesInMemoryShare", "1");
        using var http = app.CreateHttpClient();
        var created = new List<(string Id, int Rows)>();

        // Ten tables of about 90 KB in a budget of 400 KB: only about four fit in memory at once.
        for (var i = 0; i < 10; i++)
        {
            var response = await http.PostAsync("/api/tables?name=kept.tsv", new ByteArrayContent(Tsv.Numbered(4000 + i)), Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            created.Add(((await response.Content.ReadFromJsonAsync<TableCreated>(Ct))!.Id, 4000 + i));
        }

        Assert.True(app.Store.Count < 10, $"{app.Store.Count} tables still in memory");
        Assert.True(app.Budget.Held <= app.Budget.Limit);
        foreach (var (id, rows) in created)
        {
            var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{id}/rows?page=2&pageSize=1000", Ct);
            Assert.Equal(rows, page!.TotalRows);
            Assert.Equal(["1001", "row 1001", "10010"], page.Rows[0]);
        }
        Assert.True(app.Budget.Held <= app.Budget.Limit);
    }

    [Fact]
    public async Task TheTableLeastRecentlyUsedLeavesMemoryFirst()
    {
        // Tables of about 120 KB in a budget of 300 KB: two fit, a third needs the room of one.
        await using var app = new TsvLiveFactory()
            .With("TsvLive:DataDirectory", Data)
            .With("TsvLive:MaxBytesInMemory", "300000")
            .With("TsvLive:MaxBytesInMemoryShare", "1");
        using var http = app.CreateHttpClient();
        var older = await app.CreateTableAsync(Tsv.Numbered(5500), Ct);
        var newer = await app.CreateTableAsync(Tsv.Numbered(5500), Ct);
        Assert.NotNull(app.Memory.Find(older.Id));
        Assert.NotNull(app.Memory.Find(newer.Id));

        // The older one is looked at again: the newer one is now the least recently used.
        (await http.GetAsync($"/api/tables/{older.Id}", Ct)).EnsureSuccessStatusCode();
        var third = await app.CreateTableAsync(Tsv.Numbered(5500), Ct);

        Assert.NotNull(app.Memory.Find(older.Id));
        Assert.Null(app.Memory.Find(newer.Id));
        Assert.NotNull(app.Memory.Find(third.Id));
        // And it comes back when asked for.
        Assert.Equal(5500, (await http.GetFromJsonAsync<TableInfo>($"/api/tables/{newer.Id}", Ct))!.RowCount);
    }

    public void Dispose() => _directory.Dispose();
}
