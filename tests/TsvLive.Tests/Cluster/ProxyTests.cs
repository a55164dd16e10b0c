using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace TsvLive.Tests.Cluster;

/// <summary>
/// The cluster script's topology (real nginx terminating TLS in front of two app processes on one
/// redis-server), met as users meet it: through the proxy's https address.
/// </summary>
public sealed class ProxyTests(ClusterScript cluster, ChromiumFixture chromium) : IClassFixture<ClusterScript>, IClassFixture<ChromiumFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThroughATlsProxyTheSitesOwnHttpsPagesMayConnectAndLinksAreHttps()
    {
        cluster.RequireRunning();
        using var http = cluster.ProxyClient();
        var origin = cluster.Proxy.GetLeftPart(UriPartial.Authority);

        // Before forwarded headers, the app compared this https origin with its own http scheme: 403 for everyone.
        Assert.Equal(HttpStatusCode.OK, (await NegotiateAsync(http, origin)).StatusCode);
        await Problem.AssertProblemAsync(await NegotiateAsync(http, "https://elsewhere.example"), HttpStatusCode.Forbidden, Ct, "cross-site-refused");
        await Problem.AssertProblemAsync(await NegotiateAsync(http, origin.Replace("https:", "http:", StringComparison.Ordinal)),
            HttpStatusCode.Forbidden, Ct, "cross-site-refused");

        var created = await (await http.PostAsync("/api/tables?name=t.tsv", new ByteArrayContent(Tsv.Numbered(2)), Ct)).Content.ReadFromJsonAsync<TableCreated>(Ct);
        Assert.StartsWith($"{origin}/t/{created!.Id}", created.ViewUrl, StringComparison.Ordinal);
        // The operator's metrics are not proxied to the public.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/metrics", Ct)).StatusCode);
    }

    [Fact]
    public async Task ThroughTheProxyEachClientAddressHasItsOwnLimitsAndCannotClaimAnother()
    {
        cluster.RequireRunning();
        using var busy = cluster.ProxyClient(IPAddress.Parse("127.0.0.2"));
        using var other = cluster.ProxyClient(IPAddress.Parse("127.0.0.3"));

        // HubConnectionsPerMinute (a bucket of 600 by default, refilled at 10 a second) per instance: the
        // busy address is refused after about 2 × 600 tries plus what refills meanwhile.
        var refused = false;
        for (var i = 0; i < 4000 && !refused; i++)
        {
            refused = (await NegotiateAsync(busy)).StatusCode == HttpStatusCode.TooManyRequests;
        }
        Assert.True(refused, "The busy address was never refused: it was not told apart from the others");
        Assert.Equal(HttpStatusCode.OK, (await NegotiateAsync(other)).StatusCode);
        // A client cannot pass itself off as someone else: nginx adds the address it saw, which the app takes.
        // The buckets refill at 10 a second, so a burst is what shows it: as 127.0.0.99 (a full bucket) all
        // 100 would pass; as the busy address most are refused.
        var forged = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++)
        {
            forged.Add((await NegotiateAsync(busy, forwardedFor: "127.0.0.99")).StatusCode);
        }
        Assert.True(forged.Count(s => s == HttpStatusCode.TooManyRequests) >= 50, $"{forged.Count(s => s == HttpStatusCode.TooManyRequests)} of 100 forged requests refused");
    }

    [Fact]
    public async Task TheBrowserAppBehindTheProxyUploadsPagesAndSeesReplacementsMadeThroughEitherInstance()
    {
        cluster.RequireRunning();
        chromium.RequireChromium();
        await using var context = await chromium.Browser.NewContextAsync(new() { IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync(cluster.Proxy.ToString());
        await Expect(page.Locator("#connection-state")).ToHaveTextAsync("Live");

        await page.GetByLabel("Choose a file").SetInputFilesAsync(new FilePayload
        {
            Name = "proxied.tsv",
            MimeType = "text/tab-separated-values",
            Buffer = Tsv.Numbered(250),
        });
        await Expect(page.Locator("#table-rows")).ToHaveTextAsync("250 rows");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Expect(page.Locator("#grid tbody tr").First.Locator("td").First).ToHaveTextAsync("101");
        var id = page.Url.Split("/t/")[1].Split('?', '#')[0];
        var editKey = await page.EvaluateAsync<string>("id => localStorage.getItem(\"tsvlive.editKey.\" + id)", id);

        // The page's live connection is on one of the two instances: a replacement through each reaches it.
        var version = 1;
        foreach (var instance in new[] { cluster.App1, cluster.App2 })
        {
            using var http = new HttpClient { BaseAddress = instance };
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{id}") { Content = new ByteArrayContent(Tsv.Numbered(120 + version, prefix: $"v{++version}")) };
            request.Headers.Add("X-Edit-Key", editKey);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request, Ct)).StatusCode);
            await Expect(page.Locator("#notice")).ToContainTextAsync($"Replaced with version {version}");
            await Expect(page.Locator("#grid tbody tr").First.Locator("td").Nth(1)).ToHaveTextAsync($"v{version} 101");
        }
    }

    [Fact]
    public async Task ALinkOpenedOnTheOtherInstanceWhileTheTableArrivesSaysSoAndOpensOnceItHasArrived()
    {
        cluster.RequireRunning();
        chromium.RequireChromium();
        await using var uploader = await LoadTool.Hub.ConnectAsync(cluster.App1, messagePack: false, Ct);
        var progress = Recorded.From<(string Id, long Bytes, long Rows)>(uploader, "UploadProgress");
        var chunks = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        var upload = uploader.InvokeAsync<TableCreated>("Upload", chunks.Reader, new { name = "arriving.tsv" }, Ct);
        await chunks.Writer.WriteAsync(Tsv.Numbered(30), Ct);
        var id = (await progress.WaitForAsync(p => p.Bytes > 0)).Id;

        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(cluster.App2, $"/t/{id}").ToString());
        await Expect(page.Locator("#table-error")).ToContainTextAsync("This table is still being uploaded");

        chunks.Writer.Complete();
        await upload.WithTimeout();

        await Expect(page.Locator("#table-rows")).ToHaveTextAsync("30 rows");
        await Expect(page.Locator("#table-error")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task TheReadmesTailAndCurlCommandThroughTheProxyShowsEachNewLineOnPagesOpenOnEitherInstanceWithinASecond()
    {
        cluster.RequireRunning();
        chromium.RequireChromium();
        _ = Installed.Curl;
        using var folder = new TemporaryDirectory("tsvlive-proxy-tail-");
        var metrics = Path.Combine(folder.Path, "metrics.tsv");
        await File.WriteAllTextAsync(metrics, "step\tloss\n1\t0.9\n", Ct);
        using var http = cluster.ProxyClient();
        var created = (await (await http.PostAsync("/api/tables?name=metrics.tsv", new ByteArrayContent(await File.ReadAllBytesAsync(metrics, Ct)), Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TableCreated>(Ct))!;
        // One page on each instance: whichever the command's request reaches, one of them hears through Redis.
        await using var context = await chromium.Browser.NewContextAsync();
        var pages = new List<IPage>();
        foreach (var instance in new[] { cluster.App1, cluster.App2 })
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(instance, $"/t/{created.Id}").ToString());
            await Expect(page.Locator("#table-rows")).ToHaveTextAsync("1 row");
            pages.Add(page);
        }
        // The README's command as written, to the proxy's address (curl -k: the test certificate is self-signed).
        var readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "README.md"), Ct);
        var command = readme.Split('\n').Single(line => line.StartsWith("tail -n0 -f metrics.tsv | curl", StringComparison.Ordinal))
            .Replace("{editKey}", created.EditKey, StringComparison.Ordinal).Replace("{id}", created.Id, StringComparison.Ordinal)
            .Replace("http://localhost:5180/", cluster.Proxy.ToString(), StringComparison.Ordinal).Replace("| curl ", "| curl -k ", StringComparison.Ordinal);
        using var pipe = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-c", $"exec {command}"])
        {
            WorkingDirectory = folder.Path,
            RedirectStandardOutput = true,
        })!;
        try
        {
            await Task.Delay(500, Ct); // the request is open
            for (var step = 2; step <= 4; step++)
            {
                await File.AppendAllTextAsync(metrics, $"{step}\t0.{10 - step}\n", Ct);
                foreach (var page in pages)
                {
                    await Expect(page.Locator("#table-rows")).ToHaveTextAsync($"{step} rows", new() { Timeout = 1000 });
                    await Expect(page.Locator("#grid tbody tr").Last.Locator("td").First).ToHaveTextAsync($"{step}", new() { Timeout = 1000 });
                }
            }
        }
        finally
        {
            pipe.Kill(entireProcessTree: true);
        }
    }

    private static Task<HttpResponseMessage> NegotiateAsync(HttpClient http, string? origin = null, string? forwardedFor = null) =>
        HubNegotiation.SendAsync(http, Ct, origin, forwardedFor);
}
