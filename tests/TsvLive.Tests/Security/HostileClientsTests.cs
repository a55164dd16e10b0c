using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Security;

/// <summary>What an anonymous stranger can send, round 2: every answer a clear 4xx, bounded, and quiet in the log.</summary>
public sealed class HostileClientsTests(HostileClientsTests.Factory factory) : IClassFixture<HostileClientsTests.Factory>
{
    /// <summary>Small limits, the production ones otherwise (the limits under test are not lifted), and a log the test reads.</summary>
    public sealed class Factory : TsvLiveFactory
    {
        public CollectingSink Log { get; } = new();

        public Factory()
        {
            WithProductionLimits();
            With("Serilog:MinimumLevel:Default", "Information");
            With("TsvLive:MaxPageBytes", "2048");
            With("TsvLive:MaxHeaderBytes", "2048");
            With("TsvLive:MaxBytesInMemory", "400000");
            With("TsvLive:MaxBytesInMemoryShare", "0.5");
            With("TsvLive:NewTablesPerHour", "20");
            With("TsvLive:HubConnectionsPerMinute", "8");
            With("TsvLive:UploadIdleTimeout", "00:00:01");
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Log));
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APageOverTheByteLimitIsRefusedAndSaysToAskForFewerRows()
    {
        // 40 rows of 100 bytes of cell text: 20 fit in 2 KiB, 40 do not.
        var file = Tsv.Utf8("text\n" + string.Concat(Enumerable.Repeat(new string('x', 100) + "\n", 40)));
        var created = await factory.CreateTableAsync(file, Ct);
        using var http = factory.CreateHttpClient();

        var refused = await http.GetAsync($"/api/tables/{created.Id}/rows?pageSize=40", Ct);
        var fits = await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows?pageSize=20", Ct);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest, Ct, code: "invalid-page-request");
        Assert.Equal("This page holds more than 2 KiB of cell text, the most one page may carry. Ask for fewer rows per page.", problem.GetProperty("detail").GetString());
        Assert.Equal(20, fits!.Rows.Count);
        await using var hub = await factory.ConnectHubAsync(Ct);
        var e = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<TablePage>("GetPage", created.Id, 1, 40, Ct).WithTimeout());
        Assert.Contains("HubException: invalid-page-request: This page holds more than 2 KiB", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHeaderOverItsLimitIsRefused()
    {
        using var http = factory.CreateHttpClient();
        var header = string.Join('\t', Enumerable.Range(0, 30).Select(i => $"column number {i} " + new string('h', 60)));

        var response = await http.PostAsync("/api/tables?name=wide.tsv", new ByteArrayContent(Tsv.Utf8(header + "\n1\n")), Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, Ct, code: "invalid-upload");
        Assert.Contains("The header row (the column names) is larger than the limit of 2 KiB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneAddressCannotTakeMoreThanItsShareAndItsReplacementsAreNotStarved()
    {
        // The share is half of 400,000 bytes. Uploads here come from 127.0.0.3, the other person from 127.0.0.4.
        var me = IPAddress.Parse("127.0.0.3");
        using var mine = OtherAddress.HttpClientFrom(me, factory.ServerAddress);
        using var theirs = OtherAddress.HttpClientFrom(IPAddress.Parse("127.0.0.4"), factory.ServerAddress);
        var file = Tsv.Numbered(4000); // about 90 KB
        var first = await (await mine.PostAsync("/api/tables", new ByteArrayContent(file), Ct)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(Ct);
        (await mine.PostAsync("/api/tables", new ByteArrayContent(file), Ct)).EnsureSuccessStatusCode();

        var third = await mine.PostAsync("/api/tables", new ByteArrayContent(file), Ct);
        var someoneElse = await theirs.PostAsync("/api/tables", new ByteArrayContent(file), Ct);
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{first!.Id}") { Content = new ByteArrayContent(Tsv.Numbered(4000, prefix: "v2")) };
        put.Headers.Add("X-Edit-Key", first.EditKey);
        var replaced = await mine.SendAsync(put, Ct);

        var problem = await third.AssertProblemAsync(HttpStatusCode.InsufficientStorage, Ct, code: "address-share-full");
        Assert.Contains("as much memory as one address may", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, someoneElse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.True(factory.Budget.HeldBy(me.ToString()) <= factory.Budget.AddressLimit);
    }

    [Fact]
    public async Task EachTableIsChargedItsRealMemoryAndNewTablesPerHourAreLimited()
    {
        using var from = OtherAddress.HttpClientFrom(IPAddress.Parse("127.0.0.5"), factory.ServerAddress);
        var heldBefore = factory.Budget.HeldBy("127.0.0.5");
        var created = new List<TableCreated>();
        for (var i = 0; i < 20; i++)
        {
            var response = await from.PostAsync("/api/tables", new ByteArrayContent(Tsv.Utf8("a\n1\n")), Ct);
            created.Add((await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(Ct))!);
        }

        var oneTooMany = await from.PostAsync("/api/tables", new ByteArrayContent(Tsv.Utf8("a\n1\n")), Ct);

        await oneTooMany.AssertProblemAsync(HttpStatusCode.TooManyRequests, Ct, code: "too-many-requests");
        // Each 4-byte table is charged its index and overhead (over 2 KB), yet costs well under the 32 KiB its index once took.
        var perTable = (factory.Budget.HeldBy("127.0.0.5") - heldBefore) / 20.0;
        Assert.InRange(perTable, 2048, 4096);
        var content = (await factory.Store.GetAsync(created[0].Id, Ct)).Current.Content();
        Assert.True(content.Index.SizeBytes < 1024, $"a one-row index takes {content.Index.SizeBytes} bytes");
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{created[0].Id}") { Content = new ByteArrayContent(Tsv.Utf8("a\n2\n")) };
        put.Headers.Add("X-Edit-Key", created[0].EditKey);
        Assert.Equal(HttpStatusCode.OK, (await from.SendAsync(put, Ct)).StatusCode);
    }

    [Theory]
    [InlineData("Unexpected end of", "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.tsv\"\r\n\r\na\tb\n1\t2\n")]
    [InlineData("Unexpected end of", "this is not a multipart body at all")]
    [InlineData("Unexpected end of", "")]
    [InlineData("Multipart headers", "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.tsv\"\r\nX-Long: {LONG}\r\n\r\na\n1\n\r\n--XYZ--\r\n")]
    [InlineData("Multipart headers", "--XYZ\r\n{MANY}Content-Disposition: form-data; name=\"file\"; filename=\"a.tsv\"\r\n\r\na\n1\n\r\n--XYZ--\r\n")]
    public async Task AMalformedMultipartBodyIsAClear400(string reason, string body)
    {
        using var http = factory.CreateHttpClient();
        var text = body.Replace("{LONG}", new string('x', 20_000), StringComparison.Ordinal)
            .Replace("{MANY}", string.Concat(Enumerable.Range(0, 40).Select(i => $"X-Header-{i}: {i}\r\n")), StringComparison.Ordinal);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=XYZ");
        var tables = factory.Store.Count;

        var response = await http.PostAsync("/api/tables", content, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, Ct, code: "invalid-upload");
        Assert.StartsWith($"The multipart body is malformed: {reason}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(tables, factory.Store.Count);
    }

    [Fact]
    public async Task AMalformedMultipartReplacementWithoutAKeyIsRefusedBeforeItsBodyIsRead()
    {
        var created = await factory.CreateTableAsync(Tsv.Numbered(3), Ct);
        using var http = factory.CreateHttpClient();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("garbage"));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=XYZ");

        var response = await http.PutAsync($"/api/tables/{created.Id}", content, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, Ct, code: "edit-key-rejected");
    }

    [Fact]
    public async Task HubNegotiationsAreLimitedPerAddress()
    {
        using var mine = OtherAddress.HttpClientFrom(IPAddress.Parse("127.0.0.6"), factory.ServerAddress);
        using var theirs = OtherAddress.HttpClientFrom(IPAddress.Parse("127.0.0.7"), factory.ServerAddress);
        for (var i = 0; i < 8; i++)
        {
            (await mine.PostAsync("/hubs/tables/negotiate?negotiateVersion=1", null, Ct)).EnsureSuccessStatusCode();
        }

        var refused = await mine.PostAsync("/hubs/tables/negotiate?negotiateVersion=1", null, Ct);
        var other = await theirs.PostAsync("/hubs/tables/negotiate?negotiateVersion=1", null, Ct);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, Ct, code: "too-many-requests");
        Assert.Contains("Your network has opened 8 live connections to this server in the last minute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task EmptyChunksAndATrickleDoNotKeepAnUploadAlive()
    {
        await using var uploader = await factory.ConnectHubAsync(Ct);
        foreach (var trickle in new[] { Array.Empty<byte>(), new byte[] { (byte)'x' } })
        {
            var chunks = Channel.CreateUnbounded<byte[]>();
            await chunks.Writer.WriteAsync(Tsv.Utf8("a\tb\n"), Ct);
            var upload = uploader.InvokeAsync<TableCreated>("Upload", chunks.Reader, new UploadRequest("trickle.tsv"), Ct);
            using var feeding = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var feeder = Task.Run(async () =>
            {
                while (!feeding.IsCancellationRequested)
                {
                    await chunks.Writer.WriteAsync(trickle, CancellationToken.None);
                    // The trickle's pace: a slower machine only makes it slower, never fast enough to count.
                    await Task.Delay(100, CancellationToken.None);
                }
            }, CancellationToken.None);

            // 10 bytes a second at most, under the 240 a second an upload must keep up: dropped after the 1 s window.
            var e = await Assert.ThrowsAsync<HubException>(() => upload.WithTimeout(TimeSpan.FromSeconds(30)));
            await feeding.CancelAsync();
            await feeder;
            Assert.Contains("HubException: upload-stalled: ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ErrorAnswersCarryTheSecurityHeadersAndNeverEchoAMalformedId()
    {
        var created = await factory.CreateTableAsync(Tsv.Numbered(3), Ct);
        using var http = factory.CreateHttpClient();
        var wrongKey = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{created.Id}") { Content = new ByteArrayContent(Tsv.Numbered(1)) };
        wrongKey.Headers.Add("X-Edit-Key", "wrong");

        var answers = new[]
        {
            await http.GetAsync($"/api/tables/{created.Id}/rows?page=0", Ct),
            await http.SendAsync(wrongKey, Ct),
            await http.GetAsync("/api/tables/<script>alert(1)<%2Fscript>", Ct),
        };
        // A body announced as 5 GiB (HttpClient will not promise bytes it does not send, so a raw request).
        var tooLarge = await RawRequestAsync($"POST /api/tables HTTP/1.1\r\nHost: localhost\r\nContent-Length: {5L << 30}\r\n\r\n");

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.Forbidden, HttpStatusCode.NotFound], answers.Select(a => a.StatusCode));
        foreach (var answer in answers)
        {
            Assert.Contains("frame-ancestors 'none'", answer.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Equal("nosniff", answer.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", answer.Headers.GetValues("Referrer-Policy").Single());
        }
        Assert.StartsWith("HTTP/1.1 413", tooLarge, StringComparison.Ordinal);
        Assert.Contains("Content-Security-Policy: default-src 'self'", tooLarge, StringComparison.Ordinal);
        Assert.Contains("X-Content-Type-Options: nosniff", tooLarge, StringComparison.Ordinal);
        Assert.Contains("Referrer-Policy: no-referrer", tooLarge, StringComparison.Ordinal);
        var notFound = await answers[2].Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("script", notFound, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("There is no table with that id.", notFound, StringComparison.Ordinal);
    }

    /// <summary>Sends a request as written and returns the answer's status line and headers.</summary>
    private async Task<string> RawRequestAsync(string request)
    {
        using var socket = await OtherAddress.ConnectAsync(IPAddress.Loopback, factory.ServerAddress, Ct);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), System.Net.Sockets.SocketFlags.None, Ct);
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Timeouts.Default);
        while (!answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                break;
            }
            answer.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return answer.ToString();
    }

    [Fact]
    public async Task FormatCharactersAreTakenOutOfNamesAndTheFileDownloadsAsText()
    {
        var created = await factory.CreateTableAsync(Tsv.Numbered(2), Ct, name: "invoice\u202Evst.bat");
        using var http = factory.CreateHttpClient();

        var info = await http.GetFromJsonAsync<TableInfo>($"/api/tables/{created.Id}", Ct);
        var file = await http.GetAsync($"/api/tables/{created.Id}/file", Ct);

        Assert.Equal("invoicevst.bat", info!.Name);
        Assert.DoesNotContain(info.Name, c => char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);
        Assert.Equal("invoicevst.bat.tsv", file.Content.Headers.ContentDisposition?.FileNameStar ?? file.Content.Headers.ContentDisposition?.FileName);
    }

    [Fact]
    public async Task AConnectionClosedForFloodingIsLoggedOnce()
    {
        var flooder = await factory.ConnectHubAsync(Ct);
        var connectionId = flooder.ConnectionId!;
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flooder.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        // Far more calls than the 100 a burst allows plus the 100 refusals in a row that close the connection.
        for (var i = 0; i < 1_000 && flooder.State == HubConnectionState.Connected; i++)
        {
            try
            {
                await flooder.SendAsync("Unwatch", "AAAAAAAAAAAAAAAAAAAAAA", Ct);
            }
            catch (InvalidOperationException)
            {
                break; // closed while sending
            }
        }
        await closed.Task.WithTimeout();
        await Task.Delay(500, Ct); // calls already received are still handled after the close

        var lines = factory.Log.Texts().Count(t => t.Contains("Closed hub connection", StringComparison.Ordinal) && t.Contains(connectionId, StringComparison.Ordinal));
        Assert.Equal(1, lines);
        await flooder.DisposeAsync();
    }

    [Fact]
    public async Task RefusedHubCallsAreLoggedQuietlyWithoutStackTraces()
    {
        await using var stranger = await factory.ConnectHubAsync(Ct);
        var eventsBefore = factory.Log.Events.Count;

        for (var i = 0; i < 40; i++)
        {
            try
            {
                await stranger.InvokeAsync<TableInfo>("Watch", "AAAAAAAAAAAAAAAAAAAAAA", Ct).WithTimeout();
            }
            catch (HubException)
            {
                // refused, as it should be
            }
        }

        var logged = factory.Log.Events.Skip(eventsBefore).ToList();
        Assert.DoesNotContain(logged, e => e.Exception is not null);
        Assert.DoesNotContain(logged, e => e.Level >= LogEventLevel.Warning);
        Assert.True(logged.Count < 10, $"{logged.Count} events for 40 refused calls");
    }
}
