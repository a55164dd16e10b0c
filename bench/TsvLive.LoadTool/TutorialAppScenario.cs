using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using TsvLive.Benchmarks;

namespace TsvLive.LoadTool;

/// <summary>
/// The same-run reference that issue 20 compares TsvLive with: the minimal Tornado app of
/// bench/reference/tutorial_app.py (the whole file in one WebSocket message, every viewer sent the
/// page), run by Debian's Python with python3-tornado. It measures what "pages" and "fanout" measure
/// of TsvLive: an upload until a watching viewer has page 1, viewers connecting, and a notice to them.
/// </summary>
internal sealed class TutorialAppScenario(LoadScale scale, TextWriter report, CancellationToken cancellationToken)
{
    private const string Python = "/usr/bin/python3";

    public async Task RunAsync(int repeats)
    {
        var script = Path.Combine(ServerProcess.RepoRoot(), "bench", "reference", "tutorial_app.py");
        if (!File.Exists(Python) || !HasTornado())
        {
            Line($"## The tutorial app (reference): not measured, it needs {Python} with Tornado (apt-get install python3-tornado)");
            Line("");
            return;
        }
        var port = ServerProcess.FreePort();
        using var app = Process.Start(new ProcessStartInfo(Python, [script, "--port", port.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardError = true })
            ?? throw new InvalidOperationException("The tutorial app did not start.");
        try
        {
            var address = new Uri($"ws://127.0.0.1:{port}/ws");
            await ServerProcess.WaitForHealthAsync(new Uri($"http://127.0.0.1:{port}/"), "The tutorial app", cancellationToken);
            await UploadToFirstPageAsync(address, repeats);
            await ViewersAsync(address, scale.Watchers[0]);
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>An upload of another 100 MB file until a viewer already connected has page 1 of it.</summary>
    private async Task UploadToFirstPageAsync(Uri address, int repeats)
    {
        using var viewer = await ConnectAsync(address);
        using var uploader = await ConnectAsync(address);
        var seen = new List<double>();
        for (var run = 0; run < repeats; run++)
        {
            var file = GeneratedTsv.Realistic(scale.UploadBytes + run + 1);
            var message = Upload(file);
            var sent = Stopwatch.GetTimestamp();
            await uploader.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            var page = await ReceiveAsync(viewer);
            seen.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            if (page.GetProperty("rows").GetArrayLength() == 0)
            {
                throw new InvalidOperationException("The tutorial app sent an empty page after an upload.");
            }
            await ReceiveAsync(uploader); // the uploader is sent the page too
        }
        Line($"## The tutorial app (reference, Tornado {TornadoVersion()}): a {scale.UploadBytes / 1e6:0} MB file sent as one WebSocket message ({repeats} runs, median)");
        Line($"- the viewer has page 1 of the new file {Latencies.Median(seen):0} ms after the message was sent");
    }

    /// <summary>Viewers connecting (each until it has the current page), then the page of a new upload reaching all of them.</summary>
    private async Task ViewersAsync(Uri address, int viewers)
    {
        using var small = await ConnectAsync(address);
        await small.SendAsync(Upload(GeneratedTsv.Rows(10)), WebSocketMessageType.Text, true, cancellationToken); // as "fanout" watches a small table
        await ReceiveAsync(small);
        var sockets = new ConcurrentBag<ClientWebSocket>();
        using var gate = new SemaphoreSlim(100);
        var connecting = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, viewers).Select(async _ =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                sockets.Add(await ConnectAsync(address));
            }
            finally
            {
                gate.Release();
            }
        }));
        var connectSeconds = connecting.Elapsed.TotalSeconds;
        var sent = Stopwatch.GetTimestamp();
        var received = sockets.Select(async s => { await ReceiveAsync(s); return Stopwatch.GetElapsedTime(sent).TotalMilliseconds; }).ToList();
        await small.SendAsync(Upload(GeneratedTsv.Rows(11)), WebSocketMessageType.Text, true, cancellationToken);
        var latencies = new Latencies();
        foreach (var ms in await Task.WhenAll(received).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken))
        {
            latencies.Add(ms);
        }
        Line($"- {viewers:N0} viewers connected, each with the current page, in {connectSeconds:0.00} s; the page of a new small file reached them: {latencies}");
        Line("");
        foreach (var socket in sockets)
        {
            socket.Abort();
            socket.Dispose();
        }
    }

    private static byte[] Upload(byte[] file) => JsonSerializer.SerializeToUtf8Bytes(new { type = "upload", data = Encoding.UTF8.GetString(file) });

    /// <summary>A viewer, connected once it has the current page (what the app sends each socket that opens).</summary>
    private async Task<ClientWebSocket> ConnectAsync(Uri address)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(address, cancellationToken);
        await ReceiveAsync(socket);
        return socket;
    }

    /// <summary>The next whole message, as JSON (the reference sends nothing else).</summary>
    private async Task<JsonElement> ReceiveAsync(ClientWebSocket socket)
    {
        using var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"The tutorial app closed the socket ({socket.CloseStatus} {socket.CloseStatusDescription}).");
            }
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
    }

    private static bool HasTornado() => TornadoVersion() is not null;

    private static string? TornadoVersion()
    {
        using var check = Process.Start(new ProcessStartInfo(Python, ["-c", "import tornado; print(tornado.version)"]) { RedirectStandardOutput = true, RedirectStandardError = true });
        var version = check?.StandardOutput.ReadToEnd().Trim();
        check?.WaitForExit();
        return check?.ExitCode == 0 ? version : null;
    }

    private void Line(string text)
    {
        report.WriteLine(text);
        report.Flush();
    }
}
