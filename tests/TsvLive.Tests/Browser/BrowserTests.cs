using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TsvLive.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace TsvLive.Tests.Browser;

/// <summary>The browser app in Debian's Chromium against the app on Kestrel.</summary>
[Collection(nameof(BrowserCollection))]
public sealed partial class BrowserTests(TsvLiveFactory app, ChromiumFixture chromium)
    : BrowserTestBase(app, chromium), IClassFixture<TsvLiveFactory>, IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task UploadingThroughTheFileInputOpensTheTableAtItsOwnAddress()
    {
        var page = await OpenAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Share a table, live" })).ToBeVisibleAsync();
        await Expect(page.Locator("#connection-state")).ToHaveTextAsync("Live");
        await Screenshots.SaveAsync(page, "upload");

        await page.GetByLabel("Choose a file").SetInputFilesAsync(new FilePayload
        {
            Name = "people.tsv",
            MimeType = "text/tab-separated-values",
            Buffer = Tsv.Utf8("name\tcity\tage\nAnn\tOslo\t31\nBob\tRome\t42\n"),
        });

        await Expect(page).ToHaveURLAsync(TablePath());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "people.tsv" })).ToBeVisibleAsync();
        await Expect(page.Locator("#grid thead th")).ToHaveTextAsync(["#", "name", "city", "age"]);
        await Expect(page.Locator("#grid tbody tr").First.Locator("td")).ToHaveTextAsync(["Ann", "Oslo", "31"]);
        await Expect(page.Locator("#table-rows")).ToHaveTextAsync("2 rows");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy view link" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy edit link" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Replace file")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "table");
    }

    [Fact]
    public async Task TheUploaderKeepsTheReplaceControlAfterAReload()
    {
        var page = await OpenAsync("/");
        await page.GetByLabel("Choose a file").SetInputFilesAsync(new FilePayload { Name = "a.tsv", MimeType = "text/plain", Buffer = Tsv.Numbered(3) });
        await Expect(page).ToHaveURLAsync(TablePath());

        await page.ReloadAsync();

        await Expect(page.Locator("#grid tbody tr")).ToHaveCountAsync(3);
        await Expect(page.GetByText("Replace file")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ThePagerMovesThroughPagesAndKeepsThePageInTheAddress()
    {
        var (id, _) = await CreateAsync(Tsv.Numbered(250));
        var page = await OpenAsync($"/t/{id}");
        var status = page.Locator("#page-status");
        var firstCell = page.Locator("#grid tbody tr").First.Locator("td").Nth(1);
        await Expect(status).ToHaveTextAsync("Page 1 of 3");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Previous page" })).ToBeDisabledAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Expect(status).ToHaveTextAsync("Page 2 of 3");
        await Expect(firstCell).ToHaveTextAsync("row 101");
        await Expect(page).ToHaveURLAsync(new Regex(@"\?page=2$"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Last page" }).ClickAsync();
        await Expect(status).ToHaveTextAsync("Page 3 of 3");
        await Expect(page.Locator("#grid tbody tr")).ToHaveCountAsync(50);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Next page" })).ToBeDisabledAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "First page" }).ClickAsync();
        await Expect(status).ToHaveTextAsync("Page 1 of 3");

        await page.GetByLabel("Go to page").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Go", Exact = true }).ClickAsync();
        await Expect(firstCell).ToHaveTextAsync("row 101");

        await page.GetByLabel("Rows per page").SelectOptionAsync("25");
        await Expect(status).ToHaveTextAsync("Page 5 of 10");
        await Expect(firstCell).ToHaveTextAsync("row 101");

        await page.Keyboard.PressAsync("PageDown");
        await Expect(status).ToHaveTextAsync("Page 6 of 10");
        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(status).ToHaveTextAsync("Page 5 of 10");

        await Expect(page).ToHaveURLAsync(new Regex(@"\?page=5&pageSize=25$"));

        await page.GoBackAsync();
        await Expect(status).ToHaveTextAsync("Page 6 of 10");

        var copied = await OpenAsync($"/t/{id}?page=7&pageSize=25");
        await Expect(copied.Locator("#page-status")).ToHaveTextAsync("Page 7 of 10");
        await Expect(copied.Locator("#grid tbody tr").First.Locator("td").Nth(1)).ToHaveTextAsync("row 151");
    }

    [Fact]
    public async Task AViewerSeesAReplacementMadeInAnotherBrowser()
    {
        var editor = await OpenAsync("/");
        await editor.GetByLabel("Choose a file").SetInputFilesAsync(new FilePayload { Name = "v1.tsv", MimeType = "text/plain", Buffer = Tsv.Numbered(30) });
        await Expect(editor).ToHaveURLAsync(TablePath());
        var viewer = await OpenAsync(new Uri(editor.Url).AbsolutePath);
        await Expect(viewer.Locator("#grid tbody tr")).ToHaveCountAsync(30);
        await Expect(viewer.Locator("#viewer-count")).ToHaveTextAsync("2 viewing");

        await editor.GetByLabel("Replace file").SetInputFilesAsync(new FilePayload { Name = "v2.tsv", MimeType = "text/plain", Buffer = Tsv.Numbered(5, prefix: "new") });

        await Expect(viewer.Locator("#notice .notice-text")).ToHaveTextAsync("Replaced with version 2");
        await Expect(viewer.Locator("#grid tbody tr")).ToHaveCountAsync(5);
        await Expect(viewer.Locator("#grid tbody tr").First.Locator("td").Nth(1)).ToHaveTextAsync("new 1");
        await Expect(viewer.Locator("#table-version")).ToHaveTextAsync("Version 2");
        await Expect(editor.Locator("#notice .notice-text")).ToHaveTextAsync("Replaced with version 2");
        await Screenshots.SaveAsync(viewer, "replaced");
    }

    [Fact]
    public async Task ALargeUploadShowsProgressAndCanBeCancelledLeavingNothing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tsvlive-{Guid.NewGuid():N}.tsv");
        await File.WriteAllBytesAsync(path, Tsv.Numbered(1_500_000), Ct); // about 40 MB: 20 s at the throttled speed
        try
        {
            var before = App.Store.Count;
            // Slowed, so Cancel surely comes while the upload runs (at full speed it can finish first).
            var page = await OpenThrottledAsync("/", bytesPerSecond: 2_000_000);
            await Expect(page.Locator("#connection-state")).ToHaveTextAsync("Live");

            await page.GetByLabel("Choose a file").SetInputFilesAsync(path);

            await Expect(page.Locator(".progress-text")).ToContainTextAsync(new Regex(@"\d+% · [\d.]+ MB of [\d.]+ MB · [\d.]+ MB/s · [\d,]+ rows"));
            // The uploader already sees the first rows while the file still uploads (contract v3).
            await Expect(page.Locator("#upload-preview-title")).ToHaveTextAsync($"The first rows of {Path.GetFileName(path)}, while it uploads");
            await Expect(page.Locator("#upload-preview-grid tbody tr")).ToHaveCountAsync(20);
            await Expect(page.Locator("#upload-preview-grid tbody tr").First.Locator("td").First).ToHaveTextAsync("1");
            await Expect(page.Locator(".progress-text")).ToBeVisibleAsync();
            await Screenshots.SaveAsync(page, "first-rows-while-uploading");
            // From the keyboard, as a keyboard user would (a click waits for the button to hold still
            // over two frames, which a starved 2-core CI machine cannot promise).
            await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("#upload-error")).ToHaveTextAsync("Upload cancelled. Nothing was saved.");
            await Expect(page.Locator("#upload-preview")).ToBeHiddenAsync();
            await Screenshots.SaveAsync(page, "upload-cancelled");
            await Expect(page).ToHaveURLAsync(new Regex("/$"));
            // The server hears of the cancel once the bytes already in the socket have gone out at the
            // throttled speed; how long that takes is not the point, that nothing stays is.
            using var expired = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (App.Store.Count != before)
            {
                await Task.Delay(20, expired.Token);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task CopyingALinkPutsItOnTheClipboardAndSaysSo()
    {
        var (id, _) = await CreateAsync(Tsv.Numbered(3));
        var context = await NewContextAsync(new() { Permissions = ["clipboard-read", "clipboard-write"] });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url($"/t/{id}"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Copy view link" }).ClickAsync();

        await Expect(page.Locator("#copied")).ToHaveTextAsync("View link copied");
        Assert.Equal(Url($"/t/{id}"), await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
    }

    [Fact]
    public async Task TheViewLinkAloneOffersNoReplaceControl()
    {
        var (id, _) = await CreateAsync(Tsv.Numbered(3));

        var page = await OpenAsync($"/t/{id}");

        await Expect(page.Locator("#grid tbody tr")).ToHaveCountAsync(3);
        await Expect(page.GetByText("Replace file")).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy edit link" })).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy view link" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TheEditLinkOffersReplacingAndLeavesTheAddressBar()
    {
        var (id, editKey) = await CreateAsync(Tsv.Numbered(3));

        var page = await OpenAsync($"/t/{id}#key={editKey}");

        await Expect(page.GetByText("Replace file")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/t/{id}\\?page=1$"));
    }

    [Fact]
    public async Task CellTextIsShownAsTextNeverAsHtml()
    {
        var dialogs = 0;
        var (id, _) = await CreateAsync(Tsv.Utf8("html\tscript\n<img src=x onerror=alert(1)>\t<script>alert(2)</script>\n"));
        var page = await NewPageAsync();
        page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };

        await page.GotoAsync(Url($"/t/{id}"));

        await Expect(page.Locator("#grid tbody td").First).ToHaveTextAsync("<img src=x onerror=alert(1)>");
        await Expect(page.Locator("#grid tbody td").Nth(1)).ToHaveTextAsync("<script>alert(2)</script>");
        Assert.Equal(0, await page.Locator("#grid img, #grid tbody script").CountAsync());
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task AFileWithAnUnclosedQuoteIsShownLineByLineAndSaysSo()
    {
        var (id, _) = await CreateAsync(Tsv.Utf8("a\tb\n\"never closed\t1\n2\t3\n"));

        var page = await OpenAsync($"/t/{id}");

        await Expect(page.Locator("#grid tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#grid tbody td").First).ToHaveTextAsync("\"never closed");
        await Expect(page.Locator("#dialect-note")).ToContainTextAsync("shown as plain tab-separated text");
        var quoted = await OpenAsync($"/t/{(await CreateAsync(Tsv.Numbered(2))).Id}");
        await Expect(quoted.Locator("#grid tbody tr")).ToHaveCountAsync(2);
        await Expect(quoted.Locator("#dialect-note")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task AnUnknownOrMalformedLinkShowsThatTheTableDoesNotExist()
    {
        var unknown = await OpenAsync("/t/AAAAAAAAAAAAAAAAAAAAAA");
        await Expect(unknown.GetByRole(AriaRole.Heading, new() { Name = "This table does not exist (or the link is incomplete)" })).ToBeVisibleAsync();

        var malformed = await OpenAsync("/t/not%20an%20id");
        await Expect(malformed.GetByRole(AriaRole.Heading, new() { Name = "This table does not exist (or the link is incomplete)" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AnUploadThatIsNotTextSaysSoInPlainWords()
    {
        var page = await OpenAsync("/");

        await page.GetByLabel("Choose a file").SetInputFilesAsync(new FilePayload
        {
            Name = "photo.tsv",
            MimeType = "text/plain",
            Buffer = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13],
        });

        await Expect(page.Locator("#upload-error")).ToContainTextAsync("This file is not tab-separated text. It looks like a PNG image.");
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
    }

    [Fact]
    public async Task ThePageSurvivesADroppedConnectionAndShowsALaterReplacement()
    {
        var (id, editKey) = await CreateAsync(Tsv.Numbered(10));
        var context = await NewContextAsync(new());
        // Keep every WebSocket the page opens, so the test can cut them as a network failure would.
        await context.AddInitScriptAsync("""
            window.__sockets = [];
            const NativeWebSocket = window.WebSocket;
            window.WebSocket = class extends NativeWebSocket {
              constructor(...args) { super(...args); window.__sockets.push(this); }
            };
            // Every connection state the page shows, however briefly.
            window.__states = [];
            document.addEventListener("DOMContentLoaded", () => {
              const status = document.getElementById("connection-state");
              new MutationObserver(() => window.__states.push(status.textContent)).observe(status, { childList: true });
            });
            """);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url($"/t/{id}"));
        await Expect(page.Locator("#connection-state")).ToHaveTextAsync("Live");
        await Expect(page.Locator("#grid tbody tr")).ToHaveCountAsync(10);

        await page.EvaluateAsync("() => window.__sockets.forEach(s => s.close(4000, 'network dropped'))");
        await page.WaitForFunctionAsync("() => window.__states.includes('Reconnecting…') && window.__states.at(-1) === 'Live'");
        await Expect(page.Locator("#connection-state")).ToHaveTextAsync("Live");
        Assert.True(await page.EvaluateAsync<int>("() => window.__sockets.length") >= 2, "the page opened a new connection");

        using var http = App.CreateHttpClient();
        var replace = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{id}") { Content = new ByteArrayContent(Tsv.Numbered(4, prefix: "after")) };
        replace.Headers.Add("X-Edit-Key", editKey);
        (await http.SendAsync(replace, Ct)).EnsureSuccessStatusCode();

        await Expect(page.Locator("#notice .notice-text")).ToHaveTextAsync("Replaced with version 2");
        await Expect(page.Locator("#grid tbody tr")).ToHaveCountAsync(4);
        await Expect(page.Locator("#grid tbody tr").First.Locator("td").Nth(1)).ToHaveTextAsync("after 1");
    }

    [Fact]
    public async Task TheTableLooksRightInTheDarkAndOnANarrowScreen()
    {
        var (id, _) = await CreateAsync(Tsv.Utf8(
            "city\tcountry\tpopulation\tnote\nOslo\tNorway\t709,037\tCapital, on the Oslofjord\nBergen\tNorway\t291,940\t" +
            new string('x', 120) + "\nTromsø\tNorway\t78,745\tNorth of the Arctic Circle\n"));

        var dark = await (await NewContextAsync(new() { ColorScheme = ColorScheme.Dark })).NewPageAsync();
        await dark.GotoAsync(Url($"/t/{id}"));
        await Expect(dark.Locator("#grid tbody tr")).ToHaveCountAsync(3);
        foreach (var element in new[] { "#table-name", "#grid thead th", "#grid tbody td", "#page-status" })
        {
            var contrast = await dark.Locator(element).First.EvaluateAsync<double>(ContrastScript);
            Assert.True(contrast >= 4.5, $"{element}: text contrast {contrast:0.0}:1 against its background in the dark theme; at least 4.5:1 is readable");
        }
        var background = await dark.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        Assert.NotEqual("rgb(247, 247, 245)", background);
        await Expect(dark.Locator("#grid tbody td.num").First).ToHaveTextAsync("709,037");
        await Screenshots.SaveAsync(dark, "dark");

        var phone = await (await NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } })).NewPageAsync();
        await phone.GotoAsync(Url($"/t/{id}"));
        await Expect(phone.Locator("#grid tbody tr")).ToHaveCountAsync(3);
        var overflow = await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the page itself does not scroll sideways; only the table does");
        await Screenshots.SaveAsync(phone, "narrow");
    }

    /// <summary>
    /// The WCAG contrast ratio of an element's text colour against the first opaque background behind
    /// it (the element's or an ancestor's).
    /// </summary>
    private const string ContrastScript = """
        element => {
          const rgb = (color) => (color.match(/[\d.]+/g) ?? []).map(Number);
          const luminance = ([r, g, b]) => {
            const linear = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
            return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
          };
          let node = element;
          let background = null;
          while (node && node.nodeType === 1) {
            const [r, g, b, a = 1] = rgb(getComputedStyle(node).backgroundColor);
            if (a > 0.5) { background = [r, g, b]; break; }
            node = node.parentElement;
          }
          background ??= [255, 255, 255];
          const text = luminance(rgb(getComputedStyle(element).color));
          const behind = luminance(background);
          return (Math.max(text, behind) + 0.05) / (Math.min(text, behind) + 0.05);
        }
        """;
}
