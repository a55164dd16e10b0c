using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Cluster;

/// <summary>
/// Rows appended through one instance on a real redis-server (contract v3, "Live tables"): stored in
/// Redis as they come, announced to every watcher, read by the other instance (only the bytes it
/// lacks), ended by a replacement or deletion made through the other instance.
/// </summary>
public sealed class ClusterAppendTests : ClusterTestBase
{
    [Fact]
    public async Task RowsAppendedThroughOneInstanceAreWatchedAndPagedOnTheOtherWhichGrowsItsCopyInsteadOfReadingItAgain()
    {
        var (a, b) = (Instance(), Instance());
        var created = await a.CreateTableAsync(Tsv.Numbered(20_000), Ct); // several hundred KB: the last chunk takes appends
        using var onB = b.CreateHttpClient();
        var watcher = await ConnectAsync(b);
        var appended = new Recorded<TableInfo>();
        watcher.On<TableInfo>("RowsAppended", appended.Add);
        await watcher.InvokeAsync<TableInfo>("Watch", created.Id, Ct);
        var bytesHeldOnB = b.Store.InMemory.Single(t => t.Id == created.Id).Current.Content().Raw;

        var producer = await ConnectAsync(a);
        var chunks = Channel.CreateUnbounded<byte[]>();
        var appending = producer.InvokeAsync<Appended>("Append", chunks.Reader.ReadAllAsync(Ct), new { id = created.Id, editKey = created.EditKey }, Ct);
        await chunks.Writer.WriteAsync(Lines(20_001, 20_001), Ct);

        Assert.Equal((1, 20_001L), await appended.WaitForAsync(i => i.RowCount == 20_001) is var first ? (first.Version, first.RowCount) : default);
        var page = (await onB.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows?page=201&pageSize=100", Ct))!;
        Assert.Equal(["20001", "row 20001", "200010"], page.Rows.Single());

        // 60,000 more records (about 1.5 MB): the last chunk fills, new chunks follow.
        for (var from = 20_002; from <= 80_000; from += 2_000)
        {
            await chunks.Writer.WriteAsync(Lines(from, Math.Min(from + 1_999, 80_000)), Ct);
        }
        chunks.Writer.Complete();
        var answer = await appending.WithTimeout();
        Assert.Equal((80_000L, 60_000L), (answer.RowCount, answer.AppendedRows));
        await appended.WaitForAsync(i => i.RowCount == 80_000);
        Assert.Equal(80_000, (await onB.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!.RowCount);
        var sorted = (await onB.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows?sort=1:desc&pageSize=2", Ct))!;
        Assert.Equal(["80000", "79999"], sorted.Rows.Select(r => r[0]));
        Assert.Equal(Tsv.Numbered(80_000), await onB.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct));
        // B grew the copy it held: the same bytes object, never read whole again.
        Assert.Same(bytesHeldOnB, b.Store.InMemory.Single(t => t.Id == created.Id).Current.Content().Raw);

        // A third instance reads the stored version from Redis's chunks: the same table.
        using var onC = Instance().CreateHttpClient();
        Assert.Equal(Tsv.Numbered(80_000), await onC.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct));
        var versions = (await onC.GetFromJsonAsync<VersionInfo[]>($"/api/tables/{created.Id}/versions", Ct))!;
        Assert.Equal([(1, 80_000L)], versions.Select(v => (v.Version, v.RowCount!.Value)));
    }

    [Fact]
    public async Task AReplacementOrADeletionThroughTheOtherInstanceEndsAnOpenStream()
    {
        var (a, b) = (Instance(), Instance());
        var created = await a.CreateTableAsync(Tsv.Numbered(3), Ct);
        var producer = await ConnectAsync(a);
        var chunks = Channel.CreateUnbounded<byte[]>();
        var appending = producer.InvokeAsync<Appended>("Append", chunks.Reader.ReadAllAsync(Ct), new { id = created.Id, editKey = created.EditKey }, Ct);
        await chunks.Writer.WriteAsync(Lines(4, 4), Ct);
        using var onB = b.CreateHttpClient();
        Assert.True(await Timeouts.Until(async () => (await onB.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!.RowCount == 4));

        await ReplaceAsync(b, created, Tsv.Numbered(10));

        var replaced = await Assert.ThrowsAsync<HubException>(() => appending.WithTimeout());
        Assert.Contains("table-replaced", replaced.Message, StringComparison.Ordinal);
        var versions = (await onB.GetFromJsonAsync<VersionInfo[]>($"/api/tables/{created.Id}/versions", Ct))!;
        Assert.Equal([(2, 10L), (1, 4L)], versions.Select(v => (v.Version, v.RowCount!.Value)));

        var again = Channel.CreateUnbounded<byte[]>();
        var appendingAgain = producer.InvokeAsync<Appended>("Append", again.Reader.ReadAllAsync(Ct), new { id = created.Id, editKey = created.EditKey }, Ct);
        await again.Writer.WriteAsync(Lines(11, 11), Ct);
        Assert.True(await Timeouts.Until(async () => (await onB.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!.RowCount == 11));
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/tables/{created.Id}");
        delete.Headers.Add("X-Edit-Key", created.EditKey);
        Assert.Equal(HttpStatusCode.NoContent, (await onB.SendAsync(delete, Ct)).StatusCode);

        var deleted = await Assert.ThrowsAsync<HubException>(() => appendingAgain.WithTimeout());
        Assert.Contains("table-deleted", deleted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoStreamsOnOneTableThroughTwoInstancesDoNotBothGoOnAndNoRecordIsLostOrDoubled()
    {
        var (a, b) = (Instance(), Instance());
        var created = await a.CreateTableAsync(Tsv.Numbered(3), Ct);
        using var onA = a.CreateHttpClient();
        using var onB = b.CreateHttpClient();
        await onB.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct); // B holds its copy
        var producerA = await ConnectAsync(a);
        var producerB = await ConnectAsync(b);
        var throughA = Channel.CreateUnbounded<byte[]>();
        var throughB = Channel.CreateUnbounded<byte[]>();
        var appendingA = producerA.InvokeAsync<Appended>("Append", throughA.Reader.ReadAllAsync(Ct), new { id = created.Id, editKey = created.EditKey }, Ct);
        var appendingB = producerB.InvokeAsync<Appended>("Append", throughB.Reader.ReadAllAsync(Ct), new { id = created.Id, editKey = created.EditKey }, Ct);
        // Both streams are open before either sends a record (else the later one would start on the rows the first sent).
        Assert.True(await Timeouts.Until(() => new[] { a, b }.All(instance => instance.Store.InMemory.Any(t => t.Id == created.Id && t.IsAppending))));

        await throughA.Writer.WriteAsync(Encoding.UTF8.GetBytes("4\tfrom A\t40\n"), Ct);
        Assert.True(await Timeouts.Until(async () => (await onA.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!.RowCount == 4));
        await throughB.Writer.WriteAsync(Encoding.UTF8.GetBytes("5\tfrom B\t50\n"), Ct);

        // B's copy ended where the store no longer does: its stream is refused, A's goes on.
        var refused = await Assert.ThrowsAsync<HubException>(() => appendingB.WithTimeout());
        Assert.Contains("append-running", refused.Message, StringComparison.Ordinal);
        await throughA.Writer.WriteAsync(Encoding.UTF8.GetBytes("5\tfrom A\t50\n"), Ct);
        throughA.Writer.Complete();
        Assert.Equal(5, (await appendingA.WithTimeout()).RowCount);
        Assert.True(await Timeouts.Until(async () => (await onB.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!.RowCount == 5));
        var expected = "id\tname\tvalue\n1\trow 1\t10\n2\trow 2\t20\n3\trow 3\t30\n4\tfrom A\t40\n5\tfrom A\t50\n";
        Assert.Equal(expected, Encoding.UTF8.GetString(await onB.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct)));
        Assert.Equal(expected, Encoding.UTF8.GetString(await onA.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct)));
    }

    [Fact]
    public async Task AnInstanceKilledDuringAStreamLeavesTheOtherEveryRowItHadShownAndNoPartOfOne()
    {
        await using var a = await AppProcess.StartAsync("", Ct, settings: new Dictionary<string, string> { ["ConnectionStrings__Redis"] = $"127.0.0.1:{Redis.Port}" });
        var b = Instance();
        using var onA = a.CreateHttpClient();
        using var onB = b.CreateHttpClient();
        var created = (await (await onA.PostAsync("/api/tables?name=live.tsv", new ByteArrayContent(Tsv.Numbered(1)), Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(Ct))!;
        var body = new StreamedBody();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tables/{created.Id}/rows") { Content = body };
        request.Headers.Add("X-Edit-Key", created.EditKey);
        var streaming = onA.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var writer = Task.Run(async () =>
        {
            for (var i = 2; !writing.IsCancellationRequested; i++)
            {
                var record = Lines(i, i);
                // Every 50th record in two pieces: the kill may fall between them.
                var half = i % 50 == 0 ? record.Length / 2 : record.Length;
                await body.WriteAsync(record[..half]);
                await Task.Delay(i % 50 == 0 ? 20 : 0, CancellationToken.None);
                if (half < record.Length)
                {
                    await body.WriteAsync(record[half..]);
                }
            }
        }, CancellationToken.None);
        Assert.True(await Timeouts.Until(async () => (await onB.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!.RowCount > 300));
        var shown = (await onB.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct))!.RowCount;

        await a.KillAsync();
        await writing.CancelAsync();
        await writer;
        await streaming.ContinueWith(_ => { }, TaskScheduler.Default);

        // B, and an instance started now (reading Redis whole), have the rows A stored: whole ones, at least those shown.
        using var onC = Instance().CreateHttpClient();
        foreach (var http in new[] { onB, onC })
        {
            var file = System.Text.Encoding.UTF8.GetString(await http.GetByteArrayAsync($"/api/tables/{created.Id}/file", Ct));
            var rows = file.Count(c => c == '\n') - 1;
            Assert.True(rows >= shown, $"{rows} rows, {shown} shown before the kill");
            Assert.Equal(System.Text.Encoding.UTF8.GetString(Tsv.Numbered(rows)), file);
        }
    }

    /// <summary>Records numbered as <see cref="Tsv.Numbered"/> writes them, from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private static byte[] Lines(int from, int to) =>
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(from, to - from + 1).Select(i => $"{i}\trow {i}\t{i * 10}\n")));
}
