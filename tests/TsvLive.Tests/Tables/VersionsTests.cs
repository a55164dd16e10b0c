using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

/// <summary>
/// Each table keeps its latest versions (contract v2, "Versions and changes"): listed newest first,
/// each readable whole with <c>?version=N</c>, in memory only and in the data directory alike, and
/// dropped oldest first when there are more than KeepVersions or a budget needs the room.
/// </summary>
public sealed class VersionsTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new("tsvlive-versions-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<bool> Storages => [false, true];

    [Theory]
    [MemberData(nameof(Storages))]
    public async Task TheLatestFiveVersionsAreKeptNewestFirstAndEachIsReadAsItWas(bool dataDirectory)
    {
        await using var app = App(dataDirectory);
        using var http = app.CreateHttpClient();
        var created = await app.CreateTableAsync(Version(1), Ct, name: "v1.tsv");
        for (var v = 2; v <= 7; v++)
        {
            await ReplaceAsync(http, created, Version(v), $"v{v}.tsv");
        }

        var versions = (await http.GetFromJsonAsync<VersionInfo[]>($"/api/tables/{created.Id}/versions", Ct))!;
        Assert.Equal([7, 6, 5, 4, 3], versions.Select(v => v.Version));
        Assert.Equal(["v7.tsv", "v6.tsv", "v5.tsv", "v4.tsv", "v3.tsv"], versions.Select(v => v.Name));
        Assert.Equal([70L, 60, 50, 40, 30], versions.Select(v => v.RowCount!.Value));
        Assert.Equal(versions.Select(v => (long)Version(v.Version).Length), versions.Select(v => v.SizeBytes));
        Assert.True(versions.Zip(versions.Skip(1)).All(pair => pair.First.UpdatedAt >= pair.Second.UpdatedAt));

        // Version 3 as it was: info, a page, the file.
        var info = await http.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}?version=3", Ct);
        Assert.Equal((3, "v3.tsv", 30L), (info!.Version, info.Name, info.RowCount));
        var page = await http.GetFromJsonAsync<JsonElement>($"/api/tables/{created.Id}/rows?version=3&page=2&pageSize=10", Ct);
        Assert.Equal(3, page.GetProperty("version").GetInt32());
        Assert.Equal(30, page.GetProperty("totalRows").GetInt64());
        Assert.Equal(["11", "v3 row 11", "110"], page.GetProperty("rows")[0].EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(Version(3), await http.GetByteArrayAsync($"/api/tables/{created.Id}/file?version=3", Ct));
        // And the current one is still the default.
        Assert.Equal(Version(7), await http.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct));
        Assert.Equal(7, (await http.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}?version=7", Ct))!.Version);
        if (dataDirectory)
        {
            Assert.Equal(["3.tsv", "4.tsv", "5.tsv", "6.tsv", "7.tsv", "table.json"], Files(created.Id));
        }
    }

    [Theory]
    [MemberData(nameof(Storages))]
    public async Task AVersionNoLongerKeptIsA404ThatSaysWhichAreKept(bool dataDirectory)
    {
        await using var app = App(dataDirectory);
        using var http = app.CreateHttpClient();
        var created = await app.CreateTableAsync(Version(1), Ct);
        var alone = await http.GetAsync($"/api/tables/{created.Id}/rows?version=2", Ct);
        var aloneProblem = await alone.AssertProblemAsync(HttpStatusCode.NotFound, Ct, code: "version-not-found");
        Assert.Contains("keeps only version 1 (the current one)", aloneProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        for (var v = 2; v <= 6; v++)
        {
            await ReplaceAsync(http, created, Version(v), $"v{v}.tsv");
        }

        foreach (var path in new[] { "", "/rows", "/file" })
        {
            var response = await http.GetAsync($"/api/tables/{created.Id}{path}?version=1", Ct);
            var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound, Ct, code: "version-not-found");
            Assert.Contains("no version 1 now: it keeps versions 2 to 6 (6 is the current one)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        await (await http.GetAsync($"/api/tables/{created.Id}?version=99", Ct)).AssertProblemAsync(HttpStatusCode.NotFound, Ct, code: "version-not-found");
        await (await http.GetAsync($"/api/tables/{created.Id}?version=two", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest, Ct);
    }

    [Fact]
    public async Task KeepVersionsSetsHowManyAreKept()
    {
        await using var app = App(dataDirectory: true).With("TsvLive:KeepVersions", "2");
        using var http = app.CreateHttpClient();
        var created = await app.CreateTableAsync(Version(1), Ct);
        for (var v = 2; v <= 4; v++)
        {
            await ReplaceAsync(http, created, Version(v), $"v{v}.tsv");
        }
        var versions = await http.GetFromJsonAsync<VersionInfo[]>($"/api/tables/{created.Id}/versions", Ct);
        Assert.Equal([4, 3], versions!.Select(v => v.Version));
        Assert.Equal(["3.tsv", "4.tsv", "table.json"], Files(created.Id));
    }

    [Fact]
    public async Task KeptVersionsSurviveARestartAndAreReadBackWhenAskedFor()
    {
        TableCreated created;
        await using (var first = App(dataDirectory: true))
        {
            using var http = first.CreateHttpClient();
            created = await first.CreateTableAsync(Version(1), Ct, name: "v1.tsv");
            await ReplaceAsync(http, created, Version(2), "v2.tsv");
            await ReplaceAsync(http, created, Version(3), "v3.tsv");
        }

        await using var second = App(dataDirectory: true);
        using var again = second.CreateHttpClient();
        var versions = await again.GetFromJsonAsync<VersionInfo[]>($"/api/tables/{created.Id}/versions", Ct);
        Assert.Equal([(3, "v3.tsv", 30L), (2, "v2.tsv", 20L), (1, "v1.tsv", 10L)], versions!.Select(v => (v.Version, v.Name, v.RowCount!.Value)));
        Assert.Empty(second.Memory.OlderHeld); // nothing read back yet
        Assert.Equal(Version(1), await again.GetByteArrayAsync($"/api/tables/{created.Id}/file?version=1", Ct));
        var page = await again.GetFromJsonAsync<JsonElement>($"/api/tables/{created.Id}/rows?version=1&pageSize=3", Ct);
        Assert.Equal("v1 row 1", page.GetProperty("rows")[0][1].GetString());
        Assert.Equal([(created.Id, 1)], second.Memory.OlderHeld.Select(o => (o.TableId, o.Version.Version))); // read back once, held while it is read
    }

    [Fact]
    public async Task InMemoryOnlyTheOldestVersionsGoFirstWhenMemoryIsNeededAndTheCurrentOneNever()
    {
        // Each version about 50 KB; room for about five of them in all.
        await using var app = App(dataDirectory: false).With("TsvLive:MaxBytesInMemory", "270000").With("TsvLive:MaxBytesInMemoryShare", "1");
        using var http = app.CreateHttpClient();
        var created = await app.CreateTableAsync(Big(1), Ct);
        for (var v = 2; v <= 5; v++)
        {
            await ReplaceAsync(http, created, Big(v), $"v{v}.tsv");
        }
        Assert.Equal([5, 4, 3, 2, 1], (await http.GetFromJsonAsync<VersionInfo[]>($"/api/tables/{created.Id}/versions", Ct))!.Select(v => v.Version));

        // A second table needs room: the oldest versions of the first go, the current ones stay.
        var other = await app.CreateTableAsync(Big(6), Ct);
        var versions = (await http.GetFromJsonAsync<VersionInfo[]>($"/api/tables/{created.Id}/versions", Ct))!.Select(v => v.Version).ToList();
        Assert.Equal(5, versions[0]);
        Assert.True(versions.Count < 5, $"kept {string.Join(", ", versions)}");
        Assert.Equal(versions.Order().Reverse(), versions);
        Assert.Equal(Enumerable.Range(versions[^1], versions.Count).Reverse(), versions); // the oldest went, not any
        Assert.Equal(Big(5), await http.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct));
        Assert.Equal(Big(6), await http.GetByteArrayAsync($"/api/tables/{other.Id}/file", Ct));
        Assert.Equal(Big(versions[^1]), await http.GetByteArrayAsync($"/api/tables/{created.Id}/file?version={versions[^1]}", Ct));
        Assert.True(app.Budget.Held <= 270000);
    }

    [Fact]
    public async Task AFullDiskTakesTheTablesOwnOldestVersionsBeforeRefusingItsNewOne()
    {
        await using var app = App(dataDirectory: true).With("TsvLive:MaxDiskBytes", "160000").With("TsvLive:MaxDiskBytesShare", "1");
        using var http = app.CreateHttpClient();
        var created = await app.CreateTableAsync(Big(1), Ct); // about 50 KB each: three fit
        await ReplaceAsync(http, created, Big(2), "v2.tsv");
        await ReplaceAsync(http, created, Big(3), "v3.tsv");
        Assert.Equal(["1.tsv", "2.tsv", "3.tsv", "table.json"], Files(created.Id));

        await ReplaceAsync(http, created, Big(4), "v4.tsv");
        Assert.Equal(["2.tsv", "3.tsv", "4.tsv", "table.json"], Files(created.Id));
        Assert.Equal([4, 3, 2], (await http.GetFromJsonAsync<VersionInfo[]>($"/api/tables/{created.Id}/versions", Ct))!.Select(v => v.Version));
        Assert.Equal(Big(2), await http.GetByteArrayAsync($"/api/tables/{created.Id}/file?version=2", Ct));
    }

    public void Dispose() => _directory.Dispose();

    private TsvLiveFactory App(bool dataDirectory) =>
        dataDirectory ? new TsvLiveFactory().With("TsvLive:DataDirectory", _directory.Path) : new TsvLiveFactory();

    private string[] Files(string id) => [.. Directory.GetFiles(Path.Combine(_directory.Path, "tables", id)).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    /// <summary>Version v: 10·v rows whose names say the version.</summary>
    private static byte[] Version(int v) => Tsv.Numbered(10 * v, prefix: $"v{v} row");

    /// <summary>About 50 KB, different for each v.</summary>
    private static byte[] Big(int v) => Tsv.Numbered(1800, prefix: $"version {v:D3}");

    private static async Task ReplaceAsync(HttpClient http, TableCreated table, byte[] bytes, string name)
    {
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{table.Id}?name={name}") { Content = new ByteArrayContent(bytes) };
        put.Headers.Add("X-Edit-Key", table.EditKey);
        (await http.SendAsync(put, Ct)).EnsureSuccessStatusCode();
    }
}
