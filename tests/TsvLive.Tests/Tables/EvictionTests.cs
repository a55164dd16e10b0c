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

    public void Dispose() => _directory.Dispose();
}
