using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

/// <summary>
/// Appending rows to a table (contract v3, "Live tables"): over HTTP and the hub, records in order,
/// padded and widened as uploads are, readable as they arrive on a stream that may stay open, one
/// stream per table, ended by a replacement or a deletion, stored in the data directory as they come.
/// </summary>
public sealed class AppendTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new("tsvlive-append-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RecordsAreAppendedInOrderPaddedAndWidenedAndTheVersionStays()
    {
        await using var app = App();
        using var http = app.CreateHttpClient();
        var created = await app.CreateTableAsync("id\tname\n1\tann\n"u8.ToArray(), Ct);

        var first = await AppendAsync(http, created, "2\tbob\n3\n");
        var second = await AppendAsync(http, created, "4\tcy\textra\n5\tdee"); // wider, and no line end at the end

        Assert.Equal((created.Id, 1, 3L, 2L), (first.Id, first.Version, first.RowCount, first.AppendedRows));
        Assert.Equal((1, 5L, 2L), (second.Version, second.RowCount, second.AppendedRows));
        var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows", Ct);
        Assert.Equal(["id", "name", "Column 3"], page!.Columns);
        Assert.Equal([["1", "ann", ""], ["2", "bob", ""], ["3", "", ""], ["4", "cy", "extra"], ["5", "dee", ""]], page.Rows);
        var info = await http.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct);
        Assert.Equal((1, 5L), (info!.Version, info.RowCount));
        // The file is the bytes as they came, the last record given its line end.
        Assert.Equal("id\tname\n1\tann\n2\tbob\n3\n4\tcy\textra\n5\tdee\n", Encoding.UTF8.GetString(await http.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct)));
        Assert.Equal([(1, 5L)], (await http.GetFromJsonAsync<VersionInfo[]>($"/api/tables/{created.Id}/versions", Ct))!.Select(v => (v.Version, v.RowCount!.Value)));
        // A view and stats answer over the rows present.
        var sorted = await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows?sort=1:desc", Ct);
        Assert.Equal(["5", "4", "3", "2", "1"], sorted!.Rows.Select(r => r[0]));
    }

    [Fact]
    public async Task AFileWithoutAFinalLineEndGetsOneBeforeTheAppendedRecords()
    {
        await using var app = App();
        using var http = app.CreateHttpClient();
        var created = await app.CreateTableAsync("a\tb\n1\t2"u8.ToArray(), Ct);

        await AppendAsync(http, created, "3\t4\n");

        var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows", Ct);
        Assert.Equal([["1", "2"], ["3", "4"]], page!.Rows);
    }

    [Fact]
    public async Task RecordsSplitAcrossChunksAndQuotedLineBreaksWaitForTheirEndAndEachCompleteRecordIsReadableAtOnce()
    {
        await using var app = App();
        using var http = app.CreateHttpClient();
        var created = await app.CreateTableAsync("id\tnote\n1\t\"quoted\"\n"u8.ToArray(), Ct); // the quoted dialect
        await using var producer = await app.ConnectHubAsync(Ct);
        var chunks = Channel.CreateUnbounded<byte[]>();
        var appending = producer.InvokeAsync<Appended>("Append", chunks.Reader.ReadAllAsync(Ct), new { id = created.Id, editKey = created.EditKey }, Ct);

        await chunks.Writer.WriteAsync("2\tsplit acr"u8.ToArray(), Ct);
        await chunks.Writer.WriteAsync("oss chunks\n3\t\"a line\n"u8.ToArray(), Ct);
        Assert.True(await Timeouts.Until(() => RowCount(app, created.Id) == 2));
        await Task.Delay(200, Ct);
        Assert.Equal(2, RowCount(app, created.Id)); // record 3's quote is still open: it waits
        await chunks.Writer.WriteAsync("break inside\"\n4\t\"never clo"u8.ToArray(), Ct);
        Assert.True(await Timeouts.Until(() => RowCount(app, created.Id) == 3));
        chunks.Writer.Complete(); // ends inside a quote: that record is dropped

        var appended = await appending.WithTimeout();
        Assert.Equal((3L, 2L), (appended.RowCount, appended.AppendedRows));
        var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows", Ct);
        Assert.Equal([["1", "quoted"], ["2", "split across chunks"], ["3", "a line\nbreak inside"]], page!.Rows);
        Assert.EndsWith("break inside\"\n", Encoding.UTF8.GetString(await http.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStreamQuietForLongerThanTheUploadStallTimeoutStaysOpenAndWatchersHearOfEachRecord()
    {
        await using var app = App().With("TsvLive:UploadIdleTimeout", "00:00:01");
        using var http = app.CreateHttpClient();
        var created = await app.CreateTableAsync(Tsv.Numbered(3), Ct);
        await using var watcher = await app.ConnectHubAsync(Ct);
        var appended = new Recorded<TableInfo>();
        watcher.On<TableInfo>("RowsAppended", appended.Add);
        await watcher.InvokeAsync<TableInfo>("Watch", created.Id, Ct);
        var body = new StreamedBody();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tables/{created.Id}/rows") { Content = body };
        request.Headers.Add("X-Edit-Key", created.EditKey);
        var sending = http.SendAsync(request, Ct);

        await body.WriteAsync("4\trow 4\t40\n");
        Assert.Equal(4, (await appended.WaitForAsync(info => info.RowCount == 4)).RowCount);
        await Task.Delay(2500, Ct); // quiet for longer than the stall timeout
        await body.WriteAsync("5\trow 5\t50\n");
        Assert.Equal(5, (await appended.WaitForAsync(info => info.RowCount == 5)).RowCount);
        body.End();

        var answer = await (await sending.WithTimeout()).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Appended>(Ct);
        Assert.Equal((5L, 2L), (answer!.RowCount, answer.AppendedRows));
        Assert.All(appended.All, info => Assert.Equal(1, info.Version));
    }

    [Fact]
    public async Task OneStreamPerTableAFewPerAddressAndTheUsualRefusals()
    {
        await using var app = App().With("TsvLive:MaxAppendStreamsPerAddress", "2").With("TsvLive:MaxUploadBytes", "2000");
        using var http = app.CreateHttpClient();
        var created = await app.CreateTableAsync(Tsv.Numbered(3), Ct);
        var others = new[] { await app.CreateTableAsync(Tsv.Numbered(3), Ct), await app.CreateTableAsync(Tsv.Numbered(3), Ct) };
        await using var producer = await app.ConnectHubAsync(Ct);
        var open = Channel.CreateUnbounded<byte[]>();
        var streaming = producer.InvokeAsync<Appended>("Append", open.Reader.ReadAllAsync(Ct), new { id = created.Id, editKey = created.EditKey }, Ct);
        await open.Writer.WriteAsync("4\tx\t1\n"u8.ToArray(), Ct);
        Assert.True(await Timeouts.Until(() => RowCount(app, created.Id) == 4));

        await (await PostAsync(http, created.Id, created.EditKey, "5\ty\t2\n")).AssertProblemAsync(HttpStatusCode.Conflict, Ct, code: "append-running");
        var second = Channel.CreateUnbounded<byte[]>();
        var secondStream = producer.InvokeAsync<Appended>("Append", second.Reader.ReadAllAsync(Ct), new { id = others[0].Id, editKey = others[0].EditKey }, Ct);
        await second.Writer.WriteAsync("4\tx\t1\n"u8.ToArray(), Ct);
        Assert.True(await Timeouts.Until(() => RowCount(app, others[0].Id) == 4));
        await (await PostAsync(http, others[1].Id, others[1].EditKey, "4\tz\t1\n")).AssertProblemAsync(HttpStatusCode.TooManyRequests, Ct, code: "too-many-requests");
        open.Writer.Complete();
        second.Writer.Complete();
        await Task.WhenAll(streaming, secondStream).WithTimeout();

        await (await PostAsync(http, created.Id, editKey: null, "6\n")).AssertProblemAsync(HttpStatusCode.Forbidden, Ct, code: "edit-key-rejected");
        await (await PostAsync(http, "nosuchtablenosuchtable00", created.EditKey, "6\n")).AssertProblemAsync(HttpStatusCode.NotFound, Ct, code: "table-not-found");
        // Past the upload limit: 413, and the complete records before that point stay.
        var tooMuch = await PostAsync(http, others[1].Id, others[1].EditKey, string.Concat(Enumerable.Range(10, 200).Select(i => $"{i}\tfill\t{i}\n")));
        await tooMuch.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, Ct, code: "upload-too-large");
        Assert.Equal(3, RowCount(app, others[1].Id)); // one chunk: nothing of it was complete before the limit
    }

    [Fact]
    public async Task ARefusedRecordTakesTheRecordsOfItsBatchWithItAndTheNextAppendsAreReadWhereTheyAre()
    {
        await using var app = App().With("TsvLive:MaxColumns", "4");
        using var http = app.CreateHttpClient();
        var created = await app.CreateTableAsync(Tsv.Numbered(16), Ct);

        // Valid records, then one too wide, in one body: the whole batch is refused, nothing of it kept.
        var refused = await PostAsync(http, created.Id, created.EditKey, "17\tfine\t170\n18\tfine\t180\n19\t1\t2\t3\t4\t5\n");
        await refused.AssertProblemAsync(HttpStatusCode.BadRequest, Ct);
        Assert.Equal(16, RowCount(app, created.Id));
        await AppendAsync(http, created, string.Concat(Enumerable.Range(17, 40).Select(i => $"{i}\trow {i}\t{i * 10}\n")));

        // Every row is where it belongs, past the index's checkpoints too.
        var rows = new List<string[]>();
        for (var page = 1; page <= 6; page++)
        {
            rows.AddRange((await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows?page={page}&pageSize=10", Ct))!.Rows);
        }
        Assert.Equal(Enumerable.Range(1, 56).Select(i => $"{i}|row {i}|{i * 10}"), rows.Select(r => string.Join('|', r)));
        Assert.Equal(Encoding.UTF8.GetString(Tsv.Numbered(56)), Encoding.UTF8.GetString(await http.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct)));
    }

    [Fact]
    public async Task AReplacementEndsAnOpenStreamWithTableReplacedAndADeletionWithTableDeleted()
    {
        await using var app = App();
        using var http = app.CreateHttpClient();
        var created = await app.CreateTableAsync(Tsv.Numbered(3), Ct);
        await using var producer = await app.ConnectHubAsync(Ct);
        var chunks = Channel.CreateUnbounded<byte[]>();
        var appending = producer.InvokeAsync<Appended>("Append", chunks.Reader.ReadAllAsync(Ct), new { id = created.Id, editKey = created.EditKey }, Ct);
        await chunks.Writer.WriteAsync("4\tbefore\t40\n"u8.ToArray(), Ct);
        Assert.True(await Timeouts.Until(() => RowCount(app, created.Id) == 4));

        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{created.Id}") { Content = new ByteArrayContent(Tsv.Numbered(10)) };
        put.Headers.Add("X-Edit-Key", created.EditKey);
        (await http.SendAsync(put, Ct)).EnsureSuccessStatusCode();

        var replaced = await Assert.ThrowsAsync<HubException>(() => appending.WithTimeout());
        Assert.Contains("HubException: table-replaced:", replaced.Message, StringComparison.Ordinal);
        var versions = (await http.GetFromJsonAsync<VersionInfo[]>($"/api/tables/{created.Id}/versions", Ct))!;
        Assert.Equal([(2, 10L), (1, 4L)], versions.Select(v => (v.Version, v.RowCount!.Value))); // the appended row stayed with version 1

        var again = Channel.CreateUnbounded<byte[]>();
        var appendingAgain = producer.InvokeAsync<Appended>("Append", again.Reader.ReadAllAsync(Ct), new { id = created.Id, editKey = created.EditKey }, Ct);
        await again.Writer.WriteAsync("11\tafter\t110\n"u8.ToArray(), Ct);
        Assert.True(await Timeouts.Until(() => RowCount(app, created.Id) == 11));
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/tables/{created.Id}");
        delete.Headers.Add("X-Edit-Key", created.EditKey);
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(delete, Ct)).StatusCode);
        var deleted = await Assert.ThrowsAsync<HubException>(() => appendingAgain.WithTimeout());
        Assert.Contains("HubException: table-deleted:", deleted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendedRecordsAreStoredAsTheyComeAndAnUncommittedTailIsCutAtStart()
    {
        TableCreated created;
        await using (var first = App())
        {
            using var http = first.CreateHttpClient();
            created = await first.CreateTableAsync(Tsv.Numbered(3), Ct);
            await AppendAsync(http, created, "4\trow 4\t40\n5\trow 5\t50\n");
        }
        // A crash between writing appended bytes and committing them leaves them past the stored size.
        await File.AppendAllTextAsync(Path.Combine(_directory.Path, "tables", created.Id, "1.tsv"), "6\thalf a rec", Ct);

        await using var second = App();
        using var again = second.CreateHttpClient();
        var page = await again.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows", Ct);
        Assert.Equal(["1", "2", "3", "4", "5"], page!.Rows.Select(r => r[0]));
        Assert.Equal(Encoding.UTF8.GetString(Tsv.Numbered(5)), Encoding.UTF8.GetString(await again.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct)));
        await AppendAsync(again, created, "6\trow 6\t60\n");
        Assert.Equal(6, (await again.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!.RowCount);
    }

    [Fact]
    public async Task AServerKilledDuringAStreamKeepsEveryRecordItHadShownAndNoPartOfOne()
    {
        TableCreated created;
        long shown;
        await using (var server = await AppProcess.StartAsync(_directory.Path, Ct))
        {
            using var http = server.CreateHttpClient();
            created = (await (await http.PostAsync("/api/tables?name=live.tsv", new ByteArrayContent(Tsv.Numbered(1)), Ct))
                .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(Ct))!;
            var body = new StreamedBody();
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tables/{created.Id}/rows") { Content = body };
            request.Headers.Add("X-Edit-Key", created.EditKey);
            var streaming = http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
            // Records as fast as the server takes them, then a record cut in half, while the process is killed.
            using var writing = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var writer = Task.Run(async () =>
            {
                for (var i = 2; !writing.IsCancellationRequested; i++)
                {
                    var record = $"{i}\trow {i}\t{i * 10}\n";
                    if (i % 50 == 0)
                    {
                        // A record in two pieces: a kill between them leaves half a record behind.
                        await body.WriteAsync(record[..(record.Length / 2)]);
                        await Task.Delay(20, CancellationToken.None);
                        await body.WriteAsync(record[(record.Length / 2)..]);
                    }
                    else
                    {
                        await body.WriteAsync(record);
                    }
                }
            }, CancellationToken.None);
            Assert.True(await Timeouts.Until(async () => (await http.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!.RowCount > 500));
            shown = (await http.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!.RowCount;
            await server.KillAsync();
            await writing.CancelAsync();
            await writer.ContinueWith(_ => { }, TaskScheduler.Default);
            await streaming.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        await using var restarted = await AppProcess.StartAsync(_directory.Path, Ct);
        using var again = restarted.CreateHttpClient();
        var kept = (await again.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!.RowCount;
        Assert.True(kept >= shown, $"{kept} rows after the restart, {shown} shown before");
        // Exactly the first rows, each whole: the file is the numbered table of that length.
        Assert.Equal(Encoding.UTF8.GetString(Tsv.Numbered((int)kept)), Encoding.UTF8.GetString(await again.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct)));
    }

    [Fact]
    public async Task AWindows1252TableTakesWindows1252Records()
    {
        await using var app = App();
        using var http = app.CreateHttpClient();
        var created = await app.CreateTableAsync([.. "name\tprice\ncaf"u8, 0xE9, .. "\t5\n"u8], Ct);

        await AppendAsync(http, created, [.. "cr"u8, 0xE8, .. "me\t"u8, 0x80, .. "6\n"u8]);

        var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows", Ct);
        Assert.Equal([["café", "5"], ["crème", "€6"]], page!.Rows);
    }

    [Theory]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    [InlineData("utf-32le")]
    public async Task AUtf16OrUtf32TableTakesRecordsInItsOwnEncodingSplitAnywhereAndKeepsThemAcrossARestart(string encodingName)
    {
        var encoding = encodingName switch
        {
            "utf-16le" => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
            "utf-16be" => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
            _ => (Encoding)new UTF32Encoding(bigEndian: false, byteOrderMark: true),
        };
        var file = encoding.GetPreamble().Concat(encoding.GetBytes("name\tcity\nÅsa\tOslo\n")).ToArray();
        var records = encoding.GetBytes("Zoë\t東京\n😀 smile\tRío\nlast\tend"); // an emoji is a surrogate pair in UTF-16
        TableCreated created;
        await using (var app = App())
        {
            using var http = app.CreateHttpClient();
            created = await app.CreateTableAsync(file, Ct);
            await using var producer = await app.ConnectHubAsync(Ct);
            var chunks = Channel.CreateUnbounded<byte[]>();
            var appending = producer.InvokeAsync<Appended>("Append", chunks.Reader.ReadAllAsync(Ct), new { id = created.Id, editKey = created.EditKey }, Ct);
            // Split at every odd place: inside code units, inside the surrogate pair, inside records.
            for (var at = 0; at < records.Length; at += 3)
            {
                await chunks.Writer.WriteAsync(records[at..Math.Min(records.Length, at + 3)], Ct);
            }
            chunks.Writer.Complete();
            Assert.Equal((4L, 3L), (await appending.WithTimeout()) is var answer ? (answer.RowCount, answer.AppendedRows) : default);

            var page = (await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows", Ct))!;
            Assert.Equal([["Åsa", "Oslo"], ["Zoë", "東京"], ["😀 smile", "Río"], ["last", "end"]], page.Rows);
            // The file is in its own encoding, the appended records included, the last given its line end.
            Assert.Equal(file.Concat(records).Concat(encoding.GetBytes("\n")).ToArray(), await http.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct));
            await AppendAsync(http, created, encoding.GetBytes("more\trows\n"));
        }
        await using var restarted = App();
        using var again = restarted.CreateHttpClient();
        var reread = (await again.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows", Ct))!;
        Assert.Equal(["Åsa", "Zoë", "😀 smile", "last", "more"], reread.Rows.Select(r => r[0]));
        Assert.Equal("UTF-" + encodingName[4..6], (await again.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!.Encoding);
    }

    [Fact]
    public async Task TheReadmesTailAndCurlCommandMakesEachNewLineAppearWithinASecond()
    {
        _ = Installed.Curl;
        await using var server = await AppProcess.StartAsync(_directory.Path, Ct);
        using var http = server.CreateHttpClient();
        var metrics = Path.Combine(_directory.Path, "metrics.tsv");
        await File.WriteAllTextAsync(metrics, "step\tloss\n1\t0.9\n", Ct);
        var created = (await (await http.PostAsync("/api/tables?name=metrics.tsv", new ByteArrayContent(await File.ReadAllBytesAsync(metrics, Ct)), Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(Ct))!;
        var readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "README.md"), Ct);
        var command = readme.Split('\n').Single(line => line.StartsWith("tail -n0 -f metrics.tsv | curl", StringComparison.Ordinal))
            .Replace("{editKey}", created.EditKey, StringComparison.Ordinal).Replace("{id}", created.Id, StringComparison.Ordinal)
            .Replace("http://localhost:5180/", server.Address.ToString(), StringComparison.Ordinal);
        using var pipe = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-c", $"exec {command}"])
        {
            WorkingDirectory = _directory.Path,
            RedirectStandardOutput = true,
        })!;
        try
        {
            for (var step = 2; step <= 4; step++)
            {
                await Task.Delay(300, Ct);
                var written = System.Diagnostics.Stopwatch.StartNew();
                await File.AppendAllTextAsync(metrics, $"{step}\t0.{10 - step}\n", Ct);
                while ((await http.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!.RowCount < step)
                {
                    Assert.True(written.Elapsed < TimeSpan.FromSeconds(1), $"line {step} was not on the table a second after it was written");
                    await Task.Delay(20, Ct);
                }
            }
            var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows", Ct);
            Assert.Equal([["1", "0.9"], ["2", "0.8"], ["3", "0.7"], ["4", "0.6"]], page!.Rows);
        }
        finally
        {
            pipe.Kill(entireProcessTree: true);
        }
    }

    public void Dispose() => _directory.Dispose();

    private TsvLiveFactory App() => new TsvLiveFactory().With("TsvLive:DataDirectory", _directory.Path);

    private static long RowCount(TsvLiveFactory app, string id) => app.Store.InMemory.Single(t => t.Id == id).Current.Content().RowCount;

    private static Task<Appended> AppendAsync(HttpClient http, TableCreated table, string records) => AppendAsync(http, table, Encoding.UTF8.GetBytes(records));

    private static async Task<Appended> AppendAsync(HttpClient http, TableCreated table, byte[] records)
    {
        var response = await PostAsync(http, table.Id, table.EditKey, records);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Appended>(Ct))!;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string id, string? editKey, string records) =>
        PostAsync(http, id, editKey, Encoding.UTF8.GetBytes(records));

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string id, string? editKey, byte[] records)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tables/{id}/rows") { Content = new ByteArrayContent(records) };
        if (editKey is not null)
        {
            request.Headers.Add("X-Edit-Key", editKey);
        }
        return http.SendAsync(request, Ct);
    }
}
