using System.Net;
using System.Net.Http.Json;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

/// <summary>Links survive restarts: tables in the data directory, a real server process stopped gently or killed.</summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new("tsvlive-data-");

    private string Data => _directory.Path;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ATableAndItsReplacementSurviveAGracefulStopAndAKill()
    {
        var v2 = Tsv.Numbered(250, prefix: "second");
        TableCreated created;
        await using (var first = await AppProcess.StartAsync(Data, Ct))
        {
            using var http = first.CreateHttpClient();
            created = await CreateAsync(http, Tsv.Numbered(100));
            Assert.Equal(2, (await ReplaceAsync(http, created, v2)).Version);
            await first.StopAsync();
        }

        await using (var second = await AppProcess.StartAsync(Data, Ct))
        {
            using var http = second.CreateHttpClient();
            await AssertServedAsync(http, created.Id, version: 2, rows: 250, v2);
            await second.KillAsync();
        }

        await using var third = await AppProcess.StartAsync(Data, Ct);
        using var again = third.CreateHttpClient();
        await AssertServedAsync(again, created.Id, version: 2, rows: 250, v2);
        // The same edit key still replaces it: version 3.
        Assert.Equal(3, (await ReplaceAsync(again, created, Tsv.Numbered(7))).Version);
    }

    [Fact]
    public async Task UploadsCutByAKillLeaveNoTraceAndTheStoredVersionIntact()
    {
        await using var first = await AppProcess.StartAsync(Data, Ct);
        using var http = first.CreateHttpClient();
        var created = await CreateAsync(http, Tsv.Numbered(100));
        var v2 = Tsv.Numbered(120, prefix: "second");
        await ReplaceAsync(http, created, v2);
        // A replacement and a new table, each halfway through its bytes, when the server is killed.
        using var replacing = new SlowBody(Tsv.Numbered(200_000));
        var replacement = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{created.Id}") { Content = replacing };
        replacement.Headers.Add("X-Edit-Key", created.EditKey);
        var replacementSent = http.SendAsync(replacement, Ct);
        using var creating = new SlowBody(Tsv.Numbered(200_000));
        var creation = http.PostAsync("/api/tables?name=never.tsv", creating, Ct);
        await Task.WhenAll(replacing.HalfSent, creating.HalfSent).WithTimeout();

        await first.KillAsync();
        // Both fail at their clients (the connection is gone), promptly: not by a timeout.
        Assert.IsNotType<TimeoutException>(await Assert.ThrowsAnyAsync<Exception>(() => replacementSent.WithTimeout()));
        Assert.IsNotType<TimeoutException>(await Assert.ThrowsAnyAsync<Exception>(() => creation.WithTimeout()));

        await using var second = await AppProcess.StartAsync(Data, Ct);
        using var again = second.CreateHttpClient();
        await AssertServedAsync(again, created.Id, version: 2, rows: 120, v2);
        Assert.Equal([created.Id], Directory.GetDirectories(Path.Combine(Data, "tables")).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(Data, "*.tmp", SearchOption.AllDirectories));
        Assert.Equal(["1.tsv", "2.tsv", "table.json"], Directory.GetFiles(Path.Combine(Data, "tables", created.Id)).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task LeftoversOfACrashAtEachWriteStepAreRemovedOnStart()
    {
        string id;
        await using (var first = await AppProcess.StartAsync(Data, Ct))
        {
            using var http = first.CreateHttpClient();
            id = (await CreateAsync(http, Tsv.Numbered(10))).Id;
        }
        var folder = Path.Combine(Data, "tables", id);
        // Crashed while writing a replacement's bytes; after renaming them, before the metadata; while writing the metadata;
        // and a new table that never got its metadata.
        await File.WriteAllTextAsync(Path.Combine(folder, "2.tsv.tmp"), "half", Ct);
        await File.WriteAllTextAsync(Path.Combine(folder, "2.tsv"), "id\tname\n1\tnot committed\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(folder, "table.json.tmp"), "{", Ct);
        Directory.CreateDirectory(Path.Combine(Data, "tables", "AAAAAAAAAAAAAAAAAAAAAA"));
        await File.WriteAllTextAsync(Path.Combine(Data, "tables", "AAAAAAAAAAAAAAAAAAAAAA", "1.tsv"), "a\n1\n", Ct);

        await using var second = await AppProcess.StartAsync(Data, Ct);
        using var again = second.CreateHttpClient();

        await AssertServedAsync(again, id, version: 1, rows: 10, Tsv.Numbered(10), prefix: "row");
        Assert.Equal(["1.tsv", "table.json"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await again.GetAsync("/api/tables/AAAAAAAAAAAAAAAAAAAAAA", Ct)).StatusCode);
    }

    [Fact]
    public async Task ReadyzSaysWhenTheDataDirectoryCannotBeWritten()
    {
        await using var app = await AppProcess.StartAsync(Data, Ct);
        using var http = app.CreateHttpClient();
        Assert.Equal("Ready", await http.GetStringAsync("/readyz", Ct));

        Directory.Delete(Data, recursive: true);
        await File.WriteAllTextAsync(Data, "a file where the directory was", Ct);

        var problem = await (await http.GetAsync("/readyz", Ct)).AssertProblemAsync(HttpStatusCode.ServiceUnavailable, Ct, code: "not-ready");
        Assert.Contains("cannot be written", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // Anyone may ask /readyz: it names no path of the server's.
        Assert.DoesNotContain(Path.GetFileName(Data), problem.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("/", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", Ct)).StatusCode);
        File.Delete(Data);
    }

    public void Dispose() => _directory.Dispose();

    private static async Task<TableCreated> CreateAsync(HttpClient http, byte[] bytes)
    {
        var response = await http.PostAsync("/api/tables?name=kept.tsv", new ByteArrayContent(bytes), Ct);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(Ct))!;
    }

    private static async Task<TableInfo> ReplaceAsync(HttpClient http, TableCreated table, byte[] bytes)
    {
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{table.Id}") { Content = new ByteArrayContent(bytes) };
        put.Headers.Add("X-Edit-Key", table.EditKey);
        return (await (await http.SendAsync(put, Ct)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableInfo>(Ct))!;
    }

    /// <summary>The table as a fresh server serves it: the version, the rows (a page of them), the file byte for byte.</summary>
    private static async Task AssertServedAsync(HttpClient http, string id, int version, long rows, byte[] file, string prefix = "second")
    {
        var info = await http.GetFromJsonAsync<TableInfo>($"/api/tables/{id}", Ct);
        Assert.Equal(version, info!.Version);
        Assert.Equal(rows, info.RowCount);
        Assert.Equal("kept.tsv", info.Name);
        var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{id}/rows?page=2&pageSize=5", Ct);
        Assert.Equal(["6", $"{prefix} 6", "60"], page!.Rows[0]);
        Assert.Equal(file, await http.GetByteArrayAsync($"/api/tables/{id}/file", Ct));
    }

    /// <summary>
    /// A request body that sends its first half at once and then a byte now and then (an upload in
    /// progress), until writing fails because the server is gone.
    /// </summary>
    private sealed class SlowBody(byte[] bytes) : HttpContent
    {
        private readonly TaskCompletionSource _halfSent = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task HalfSent => _halfSent.Task;

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var half = bytes.Length / 2;
            await stream.WriteAsync(bytes.AsMemory(0, half), cancellationToken);
            await stream.FlushAsync(cancellationToken);
            _halfSent.TrySetResult();
            for (var next = half; next < bytes.Length - 1; next++)
            {
                await Task.Delay(100, cancellationToken);
                await stream.WriteAsync(bytes.AsMemory(next, 1), cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
