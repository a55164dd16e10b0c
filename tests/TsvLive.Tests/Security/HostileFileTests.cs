using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Security;

/// <summary>Every file of the corpus over HTTP and over the hub: a consistent table or a clear 4xx, the same both ways.</summary>
public sealed class HostileFileTests(TsvLiveFactory factory) : IClassFixture<TsvLiveFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void EveryFileOfTheCorpusThatMakesATableHasItsOwnCheck()
    {
        Assert.All(HostileFiles.All.Where(f => f.MakesTable), f => Assert.True(f.IsChecked, $"'{f.Name}' makes a table but nothing of it is checked"));
        Assert.True(HostileFiles.All.Count(f => f.IsChecked || !f.MakesTable) >= 40, "at least 40 files, each with a check");
    }

    [Theory]
    [MemberData(nameof(HostileFiles.Names), MemberType = typeof(HostileFiles))]
    public async Task EachFileGivesAConsistentTableOrAClearErrorOverHttpAndTheHub(string name)
    {
        var file = HostileFiles.All.Single(f => f.Name == name);
        var bytes = file.Bytes();
        using var http = factory.CreateHttpClient();

        var response = await http.PostAsync($"/api/tables?name={Uri.EscapeDataString(file.FileName)}", new ByteArrayContent(bytes), Ct);
        await using var hub = await factory.ConnectHubAsync(Ct);
        TableCreated? overHub = null;
        HubException? hubError = null;
        try
        {
            overHub = await hub.InvokeAsync<TableCreated>("Upload", Chunks(bytes), new UploadRequest(file.FileName), Ct).WithTimeout(TimeSpan.FromSeconds(60));
        }
        catch (HubException e)
        {
            hubError = e;
        }

        if (!file.MakesTable)
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, Ct);
            Assert.NotNull(hubError);
            Assert.Contains(problem.GetProperty("detail").GetString()!, hubError.Message, StringComparison.Ordinal);
            return;
        }
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Null(hubError);
        var overHttp = (await response.Content.ReadFromJsonAsync<TableCreated>(Ct))!;
        Assert.Equal(bytes.Length, overHttp.SizeBytes);
        Assert.Equal(overHttp.RowCount, overHub!.RowCount);
        Assert.Equal(overHttp.Columns, overHub.Columns);
        Assert.Equal(overHttp.Dialect, overHub.Dialect);
        if (file.CellsCut)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/api/tables/{overHttp.Id}/rows", Ct);
            var cut = Assert.Single(page.GetProperty("truncated").EnumerateArray());
            Assert.Equal(16 * 1024, page.GetProperty("rows")[cut.GetProperty("row").GetInt32()][cut.GetProperty("column").GetInt32() - 1].GetString()!.Length);
            var whole = await http.GetStringAsync($"/api/tables/{overHttp.Id}/cells/1/{cut.GetProperty("column").GetInt32()}", Ct);
            Assert.Equal(cut.GetProperty("length").GetInt64(), whole.Length);
        }
        else
        {
            await AssertConsistentAsync(http, overHttp);
        }
        file.Check?.Invoke(overHttp);
        if (file.Rows is not null)
        {
            var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{overHttp.Id}/rows?pageSize={file.Rows.Length}", Ct);
            Assert.Equal(file.Rows, page!.Rows);
        }
        Assert.Equal(bytes, await http.GetByteArrayAsync($"/api/tables/{overHttp.Id}/file", Ct));
    }

    private static async Task AssertConsistentAsync(HttpClient http, TableInfo table)
    {
        var last = Math.Max(1, (table.RowCount + 99) / 100);
        foreach (var page in new[] { 1L, last })
        {
            var rows = await http.GetFromJsonAsync<JsonElement>($"/api/tables/{table.Id}/rows?page={page}&pageSize=100", Ct);
            Assert.Equal(table.RowCount, rows.GetProperty("totalRows").GetInt64());
            foreach (var row in rows.GetProperty("rows").EnumerateArray())
            {
                Assert.Equal(table.Columns.Count, row.GetArrayLength());
            }
        }
    }

    private static async IAsyncEnumerable<byte[]> Chunks(byte[] bytes)
    {
        foreach (var chunk in bytes.Chunk(64 * 1024))
        {
            await Task.Yield();
            yield return chunk;
        }
    }
}
