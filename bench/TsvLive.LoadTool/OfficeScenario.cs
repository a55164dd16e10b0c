using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Benchmarks;

namespace TsvLive.LoadTool;

/// <summary>
/// An office behind one address (issue 18): a server of its own with the production defaults (the
/// per-address limits this tool otherwise lifts stay as shipped), and <c>viewers</c> colleagues from
/// one loopback address opening the shared link as fast as they can, each watching and reading its
/// first page; then a replacement that every one of them must hear of while staying connected.
/// </summary>
/// <param name="serverDll">The server build to start (default: the Release build of src/TsvLive).</param>
internal sealed class OfficeScenario(int viewers, TextWriter report, CancellationToken cancellationToken, string? serverDll = null)
{
    private static readonly IPAddress s_office = IPAddress.Parse("127.0.0.2");

    public async Task RunAsync()
    {
        await using var server = await ServerProcess.StartAsync(cancellationToken, dll: serverDll, liftPerAddressLimits: false);
        using var http = new HttpClient { BaseAddress = server.Address };
        var created = (await (await http.PostAsync("/api/tables?name=office.tsv", new ByteArrayContent(GeneratedTsv.Rows(10_000)), cancellationToken))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(cancellationToken))!;

        var joined = new Latencies();
        var connections = new List<HubConnection>();
        var refused = 0;
        var replaced = new Latencies();
        var sentAt = 0L;
        var started = Stopwatch.StartNew();
        using var arrivals = new SemaphoreSlim(50);
        await Task.WhenAll(Enumerable.Range(0, viewers).Select(async _ =>
        {
            await arrivals.WaitAsync(cancellationToken);
            try
            {
                var watch = Stopwatch.StartNew();
                var hub = await Hub.ConnectAsync(server.Address, messagePack: true, cancellationToken, from: s_office);
                hub.On<TableInfo>("TableReplaced", _ => replaced.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref sentAt)).TotalMilliseconds));
                await hub.InvokeAsync<TableInfo>("Watch", created.Id, cancellationToken);
                await hub.InvokeAsync<TablePage>("GetRows", created.Id, new RowsRequest(1, 100), cancellationToken);
                joined.Add(watch.Elapsed.TotalMilliseconds);
                lock (connections)
                {
                    connections.Add(hub);
                }
            }
            catch (Exception e) when (e is HttpRequestException or System.Net.WebSockets.WebSocketException or HubException or IOException)
            {
                Interlocked.Increment(ref refused);
            }
            finally
            {
                arrivals.Release();
            }
        }));
        var allIn = started.Elapsed;

        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{created.Id}") { Content = new ByteArrayContent(GeneratedTsv.Rows(10_001)) };
        put.Headers.Add("X-Edit-Key", created.EditKey);
        Volatile.Write(ref sentAt, Stopwatch.GetTimestamp());
        (await http.SendAsync(put, cancellationToken)).EnsureSuccessStatusCode();
        for (var waited = 0; replaced.Count < connections.Count && waited < 100; waited++)
        {
            await Task.Delay(50, cancellationToken);
        }
        var stillConnected = connections.Count(c => c.State == HubConnectionState.Connected);

        report.WriteLine($"## An office behind one address: {viewers:N0} viewers from one address, production defaults");
        report.WriteLine($"- got in (watching, first page read): **{connections.Count:N0} of {viewers:N0}**, refused {refused:N0}, all in within {allIn.TotalSeconds:0.0} s");
        report.WriteLine($"- from opening the connection to the first page: {joined}");
        report.WriteLine($"- heard of a replacement: {replaced.Count:N0}, from sending the PUT: {replaced}; still connected afterwards: {stillConnected:N0}");
        report.WriteLine("");
        await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
    }
}
