using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Hubs;

/// <summary>
/// Uploaders that send only while few enough bytes are unconfirmed (as the browser does) must never
/// wait forever: the server's progress, throttled to one per interval, always ends with the newest value.
/// </summary>
public sealed class UploadFlowControlTests(UploadFlowControlTests.Factory factory) : IClassFixture<UploadFlowControlTests.Factory>
{
    /// <summary>A notification interval long enough that a fast client sends its whole window inside one.</summary>
    public sealed class Factory : TsvLiveFactory
    {
        public Factory() => With("TsvLive:NotificationInterval", "00:00:00.200");
    }

    private const int ChunkSize = 64 * 1024;
    private const int Window = 256 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AClientSendingAsFastAsItsWindowAllowsNeverStalls()
    {
        var file = Tsv.Numbered(60_000); // about 1.6 MB: six windows and more
        await using var uploader = await factory.ConnectHubAsync(Ct, messagePack: true);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var created = await UploadWithWindowAsync(uploader, file, request: new UploadRequest($"fast-{attempt}.tsv"));

            Assert.Equal(60_000, created.RowCount);
        }
    }

    [Fact]
    public async Task AReplacementSentAsFastAsItsWindowAllowsNeverStalls()
    {
        var created = await factory.CreateTableAsync(Tsv.Numbered(3), Ct);
        await using var uploader = await factory.ConnectHubAsync(Ct, messagePack: true);

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var info = await UploadWithWindowAsync(uploader, Tsv.Numbered(50_000 + attempt),
                request: new UploadRequest("again.tsv", created.Id, created.EditKey));

            Assert.Equal(attempt + 2, info.Version);
            Assert.Equal(50_000 + attempt, info.RowCount);
        }
    }

    [Fact]
    public async Task AnUploaderThatAlsoWatchesHearsEachProgressOnce()
    {
        var created = await factory.CreateTableAsync(Tsv.Numbered(3), Ct);
        await using var uploader = await factory.ConnectHubAsync(Ct);
        var progress = new Recorded<long>();
        uploader.On<string, long, long>("UploadProgress", (_, bytes, _) => progress.Add(bytes));
        await uploader.InvokeAsync<TableInfo>("Watch", created.Id, Ct).WithTimeout();
        var chunks = Channel.CreateUnbounded<byte[]>();

        var upload = uploader.InvokeAsync<TableInfo>("Upload", chunks.Reader, new UploadRequest("slow.tsv", created.Id, created.EditKey), Ct);
        long sent = 0;
        foreach (var chunk in Tsv.Chunks(Tsv.Numbered(20_000), 4096))
        {
            await chunks.Writer.WriteAsync(chunk, Ct);
            sent += chunk.Length;
            if (progress.All.Count < 3)
            {
                // The first chunks wait for their progress (the newest always comes, at the interval's end).
                await progress.WaitForAsync(bytes => bytes >= sent, TimeSpan.FromSeconds(30));
            }
        }
        chunks.Writer.Complete();
        await upload.WithTimeout();

        Assert.True(progress.All.Count >= 3, $"several progress events while uploading; got {progress.All.Count}");
        Assert.Equal(progress.All.Count, progress.All.Distinct().Count());
    }

    /// <summary>The browser's flow control, without its safety valve: send while at most <see cref="Window"/> bytes are unconfirmed, else wait.</summary>
    private static async Task<TableInfo> UploadWithWindowAsync(HubConnection connection, byte[] file, UploadRequest request)
    {
        long confirmed = 0;
        string? tableId = request.Id;
        var heard = new SemaphoreSlim(0);
        using var subscription = connection.On<string, long, long>("UploadProgress", (id, bytes, _) =>
        {
            tableId ??= id;
            if (id == tableId)
            {
                Interlocked.Exchange(ref confirmed, Math.Max(Interlocked.Read(ref confirmed), bytes));
                heard.Release();
            }
        });
        var chunks = Channel.CreateBounded<byte[]>(4);
        var upload = connection.InvokeAsync<TableInfo>("Upload", chunks.Reader, request, Ct);
        long sent = 0;
        foreach (var chunk in Tsv.Chunks(file, ChunkSize))
        {
            while (sent - Interlocked.Read(ref confirmed) > Window)
            {
                // Well under the server's 30 s stall timeout: waiting longer means the newest progress never came.
                Assert.True(await heard.WaitAsync(TimeSpan.FromSeconds(10), Ct),
                    $"no progress for 10 s with {sent - Interlocked.Read(ref confirmed)} bytes unconfirmed: the upload stalled");
            }
            await chunks.Writer.WriteAsync(chunk, Ct);
            sent += chunk.Length;
        }
        chunks.Writer.Complete();
        return await upload.WithTimeout();
    }
}
