using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Browser;

/// <summary>What the browser test classes share: fresh browser contexts (closed after each test), the app's addresses, tables made over HTTP.</summary>
public abstract class BrowserTestBase(TsvLiveFactory app, ChromiumFixture chromium) : IAsyncDisposable
{
    private readonly List<IBrowserContext> _contexts = [];

    static BrowserTestBase() => Assertions.SetDefaultExpectTimeout(10_000);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected TsvLiveFactory App => app;

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>The first column's cells on the page shown.</summary>
    protected static ILocator FirstColumn(IPage page) => page.Locator("tbody tr td:first-of-type");

    protected string Url(string path) => new Uri(app.ServerAddress, path).ToString();

    /// <summary>The address of a table page, as the page writes it after an upload.</summary>
    protected Regex TablePath() => new($"^{Regex.Escape(app.ServerAddress.ToString().TrimEnd('/'))}/t/[A-Za-z0-9_-]{{22}}(\\?page=1)?$");

    protected async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions options)
    {
        chromium.RequireChromium();
        var context = await chromium.Browser.NewContextAsync(options);
        _contexts.Add(context);
        return context;
    }

    protected async Task<IPage> NewPageAsync() => await (await NewContextAsync(new())).NewPageAsync();

    protected async Task<IPage> OpenAsync(string path)
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Url(path));
        return page;
    }

    /// <summary>
    /// A page whose WebSockets the test can cut as a network failure would (window.__sockets), whose
    /// new sockets it can make fail while window.__offline is true, and which records every connection
    /// state it shows, however briefly (window.__states).
    /// </summary>
    /// <param name="startOffline">The page's first sockets fail already (its HTTP requests go through).</param>
    protected async Task<IPage> OpenWithControllableNetworkAsync(string path, bool startOffline = false)
    {
        var context = await NewContextAsync(new());
        await context.AddInitScriptAsync("""
            window.__sockets = [];
            window.__offline = false;
            const NativeWebSocket = window.WebSocket;
            window.WebSocket = class extends NativeWebSocket {
              constructor(url, ...rest) {
                // Offline: a same-site address that refuses the upgrade (another site's would be blocked by the CSP and never close).
                super(window.__offline ? url.replace("/hubs/tables", "/offline") : url, ...rest);
                window.__sockets.push(this);
              }
            };
            window.__states = [];
            document.addEventListener("DOMContentLoaded", () => {
              const status = document.getElementById("connection-state");
              new MutationObserver(() => window.__states.push(status.textContent)).observe(status, { childList: true });
            });
            """);
        if (startOffline)
        {
            await context.AddInitScriptAsync("window.__offline = true;");
        }
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url(path));
        return page;
    }

    /// <summary>
    /// A page whose incoming WebSocket messages arrive window.__delayMs late (0 at first), as over a
    /// slow network or from a busy server, so the test can see what the page shows while it waits.
    /// </summary>
    protected async Task<IPage> OpenWithSlowAnswersAsync(string path)
    {
        var context = await NewContextAsync(new());
        await context.AddInitScriptAsync("""
            window.__delayMs = 0;
            const NativeWebSocket = window.WebSocket;
            window.WebSocket = class extends NativeWebSocket {
              set onmessage(handler) {
                super.onmessage = handler === null ? null : (event) => {
                  const wait = window.__delayMs;
                  if (wait > 0) { setTimeout(() => handler.call(this, event), wait); } else { handler.call(this, event); }
                };
              }
              get onmessage() { return super.onmessage; }
            };
            """);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url(path));
        return page;
    }

    /// <summary>Cuts the page's WebSockets (opened with <see cref="OpenWithControllableNetworkAsync"/>); offline: new ones fail too.</summary>
    protected static Task CutNetworkAsync(IPage page, bool offline) =>
        page.EvaluateAsync($"() => {{ window.__offline = {(offline ? "true" : "false")}; window.__sockets.forEach(s => s.close(4000, 'network dropped')); }}");

    /// <summary>
    /// A page that sends at most about <paramref name="bytesPerSecond"/> (Chromium's network throttling,
    /// set before the page opens its WebSocket, which it then covers too), so that an upload is surely
    /// still running while the test acts.
    /// </summary>
    protected async Task<IPage> OpenThrottledAsync(string path, int bytesPerSecond)
    {
        var page = await NewPageAsync();
        var devTools = await page.Context.NewCDPSessionAsync(page);
        await devTools.SendAsync("Network.enable");
        await devTools.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false,
            ["latency"] = 0,
            ["downloadThroughput"] = -1,
            ["uploadThroughput"] = bytesPerSecond,
        });
        await page.GotoAsync(Url(path));
        return page;
    }

    /// <summary>A file on disk of about 40 MB: at 2 MB/s (<see cref="OpenThrottledAsync"/>) the whole file is handed to the socket, after which Cancel is gone, only 12 s in.</summary>
    protected static async Task<string> WriteLargeFileAsync(string name = "big.tsv")
    {
        var folder = Directory.CreateTempSubdirectory("tsvlive-").FullName;
        var path = Path.Combine(folder, name);
        await File.WriteAllBytesAsync(path, Tsv.Numbered(1_500_000), Ct);
        return path;
    }

    protected static void DeleteLargeFile(string path) => Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);

    protected async Task ReplaceOverHttpAsync(string id, string editKey, byte[] bytes)
    {
        using var http = App.CreateHttpClient();
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{id}") { Content = new ByteArrayContent(bytes) };
        put.Headers.Add("X-Edit-Key", editKey);
        (await http.SendAsync(put, Ct)).EnsureSuccessStatusCode();
    }

    protected async Task<(string Id, string EditKey)> CreateAsync(byte[] bytes, string name = "browser.tsv")
    {
        var created = await app.CreateTableAsync(bytes, Ct, name);
        return (created.Id, created.EditKey);
    }
}
