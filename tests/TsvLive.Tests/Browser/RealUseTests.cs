using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using TsvLive.Api;
using TsvLive.Tables;
using TsvLive.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace TsvLive.Tests.Browser;

/// <summary>Owners and viewers in separate browsers doing what people do: replacing, paging, reading notices, using the keyboard.</summary>
[Collection(nameof(BrowserCollection))]
public sealed class RealUseTests(TsvLiveFactory app, ChromiumFixture chromium)
    : BrowserTestBase(app, chromium), IClassFixture<TsvLiveFactory>, IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task OneReplacementRunsAtATimeAndThePageKeepsTrackOfIt()
    {
        var (id, editKey) = await CreateAsync(Tsv.Numbered(3));
        var path = await WriteLargeFileAsync("forty-megabytes.tsv");
        try
        {
            var owner = await OpenThrottledAsync($"/t/{id}#key={editKey}", bytesPerSecond: 2_000_000);
            await Expect(owner.Locator("#grid tbody tr")).ToHaveCountAsync(3);

            await owner.GetByLabel("Replace file").SetInputFilesAsync(path);

            await Expect(owner.Locator(".progress-name")).ToHaveTextAsync("forty-megabytes.tsv");
            await Expect(owner.Locator("#replace-input")).ToBeDisabledAsync();
            await Expect(owner.Locator("#replace-label")).ToHaveAttributeAsync("aria-disabled", "true");
            await Expect(owner.Locator("#replace-hint")).ToHaveTextAsync("Replacing… Cancel this upload to pick another file.");
            await Expect(owner.Locator(".progress-text")).ToContainTextAsync(new Regex(@"\d+% · "));
            // A second replacement from anywhere else is refused while this one runs.
            using var http = App.CreateHttpClient();
            var second = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{id}") { Content = new ByteArrayContent(Tsv.Numbered(2)) };
            second.Headers.Add("X-Edit-Key", editKey);
            await (await http.SendAsync(second, Ct)).AssertProblemAsync(HttpStatusCode.Conflict, Ct, code: "replacement-running");
            // The owner's page never mistakes its own upload for someone else's.
            await Expect(owner.Locator("#notice")).ToBeHiddenAsync();

            await owner.GetByRole(AriaRole.Button, new() { Name = "Cancel uploading forty-megabytes.tsv" }).FocusAsync();
            await owner.Keyboard.PressAsync("Enter");

            await Expect(owner.Locator("#notice")).ToContainTextAsync("Upload cancelled. The table was not changed.");
            await Expect(owner.Locator("#replace-input")).ToBeEnabledAsync();
            // Until the server hears of the cancel it may still report the upload: never as someone else's.
            var table = await App.Store.GetAsync(id, Ct);
            using (var expired = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                while (!TryBeginReplacement(table))
                {
                    await Task.Delay(50, expired.Token);
                }
            }
            await Expect(owner.Locator("#notice")).ToContainTextAsync("Upload cancelled. The table was not changed.");
            await Expect(owner.Locator("#table-version")).ToHaveTextAsync("Version 1");
            await Screenshots.SaveAsync(owner, "replace-cancelled");
        }
        finally
        {
            DeleteLargeFile(path);
        }
    }

    [Fact]
    public async Task ViewersAreToldWhenAReplacementEndsWithoutANewVersion()
    {
        var created = await App.CreateTableAsync(Tsv.Numbered(3), Ct);
        var viewer = await OpenAsync($"/t/{created.Id}");
        await Expect(viewer.Locator("#grid tbody tr")).ToHaveCountAsync(3);
        await using var owner = await App.ConnectHubAsync(Ct);
        var chunks = Channel.CreateUnbounded<byte[]>();
        var upload = owner.InvokeAsync<TableInfo>("Upload", chunks.Reader, new UploadRequest("v2.tsv", created.Id, created.EditKey), Ct);

        await chunks.Writer.WriteAsync(Tsv.Numbered(5_000), Ct);
        await Expect(viewer.Locator("#notice")).ToContainTextAsync("A new version is arriving");
        chunks.Writer.Complete(new OperationCanceledException("the owner pressed Cancel"));
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => upload.WithTimeout());

        await Expect(viewer.Locator("#notice")).ToBeHiddenAsync();
        await Expect(viewer.Locator("#table-version")).ToHaveTextAsync("Version 1");
    }

    [Fact]
    public async Task BackAfterChangingThePageSizeRestoresBothPageAndSize()
    {
        var (id, _) = await CreateAsync(Tsv.Numbered(1000));
        var page = await OpenAsync($"/t/{id}?page=3");
        await Expect(page.Locator("#page-status")).ToHaveTextAsync("Page 3 of 10");

        await page.GetByLabel("Rows per page").SelectOptionAsync("25");
        await Expect(page.Locator("#page-status")).ToHaveTextAsync("Page 9 of 40");
        await Expect(page).ToHaveURLAsync(new Regex(@"\?page=9&pageSize=25$"));

        await page.GoBackAsync();

        await Expect(page.Locator("#page-status")).ToHaveTextAsync("Page 3 of 10");
        await Expect(page.Locator("#grid tbody tr").First.Locator("td").Nth(1)).ToHaveTextAsync("row 201");
        await Expect(page.GetByLabel("Rows per page")).ToHaveValueAsync("100");
        await Expect(page).ToHaveURLAsync(new Regex(@"\?page=3$"));
    }

    [Fact]
    public async Task ALinkWithoutAPageSizeMeansTheDefaultWhateverTheBrowserStored()
    {
        var (id, _) = await CreateAsync(Tsv.Numbered(1000));
        var context = await NewContextAsync(new());
        await context.AddInitScriptAsync("localStorage.setItem('tsvlive.pageSize', '25');");
        var page = await context.NewPageAsync();

        await page.GotoAsync(Url($"/t/{id}?page=2"));

        await Expect(page.Locator("#page-status")).ToHaveTextAsync("Page 2 of 10");
        await Expect(page.Locator("#grid tbody tr")).ToHaveCountAsync(100);
        await Expect(page.Locator("#grid tbody tr").First.Locator("td").Nth(1)).ToHaveTextAsync("row 101");
    }

    [Fact]
    public async Task KeyboardFocusShowsARingOnTheControlItself()
    {
        var (id, editKey) = await CreateAsync(Tsv.Numbered(250));
        var upload = await OpenAsync("/");
        await Expect(upload.Locator("#connection-state")).ToHaveTextAsync("Live");
        await TabUntilFocusedAsync(upload, "file-input");
        await AssertFocusRingAsync(upload, "#file-label");

        var table = await OpenAsync($"/t/{id}#key={editKey}");
        await Expect(table.Locator("#grid tbody tr")).ToHaveCountAsync(100);
        await TabUntilFocusedAsync(table, "replace-input");
        await AssertFocusRingAsync(table, "#replace-label");
        Assert.Equal("none", await table.Locator("#replace-hint").EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle"));
        await TabUntilFocusedAsync(table, "next-page");
        await AssertFocusRingAsync(table, "#next-page");
        await Screenshots.SaveAsync(table, "focus-ring");
    }

    [Fact]
    public async Task ALongCellOpensAndFoldsFromTheKeyboard()
    {
        var longText = string.Join(' ', Enumerable.Repeat("a long note that does not fit", 10));
        var (id, _) = await CreateAsync(Tsv.Utf8($"name\tnote\nAnn\t{longText}\n"));
        var page = await OpenAsync($"/t/{id}");
        var cell = page.Locator("#grid tbody td.long");
        await Expect(cell).ToHaveTextAsync(longText);

        var expand = page.GetByRole(AriaRole.Button, new() { Name = "Show the whole cell" });
        await expand.FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(cell).ToHaveClassAsync(new Regex(@"\bexpanded\b"));
        var fold = page.GetByRole(AriaRole.Button, new() { Name = "Fold the cell" });
        await Expect(fold).ToHaveAttributeAsync("aria-expanded", "true");
        await page.Keyboard.PressAsync("Space");
        await Expect(cell).Not.ToHaveClassAsync(new Regex(@"\bexpanded\b"));
        await Expect(expand).ToHaveAttributeAsync("aria-expanded", "false");
    }

    [Fact]
    public async Task AnErrorWhileTheServerIsUnreachableShowsNextToThePager()
    {
        var (id, _) = await CreateAsync(Tsv.Numbered(1000));
        var page = await OpenWithControllableNetworkAsync($"/t/{id}?page=5");
        await Expect(page.Locator("#page-status")).ToHaveTextAsync("Page 5 of 10");

        // Sockets cut first: once the browser is offline, a closing handshake can hang and the page stays "Live".
        await CutNetworkAsync(page, offline: true);
        await Expect(page.Locator("#connection-state")).Not.ToHaveTextAsync("Live");
        await page.Context.SetOfflineAsync(true);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();

        var error = page.Locator("#table-error");
        await Expect(error).ToContainTextAsync("The server cannot be reached right now");
        await Expect(error).ToContainTextAsync("Still showing page 5.");
        await Expect(error).ToBeInViewportAsync();
        await Expect(page.Locator("#page-status")).ToHaveTextAsync("Page 5 of 10");
        await Screenshots.SaveAsync(page, "unreachable");
        await page.Context.SetOfflineAsync(false);
        await page.EvaluateAsync("() => { window.__offline = false; }");
        await Expect(page.Locator("#connection-state")).ToHaveTextAsync("Live", new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task AViewerMovedByAReplacementIsToldAndCanGoBack()
    {
        var (id, editKey) = await CreateAsync(Tsv.Numbered(5000));
        var page = await OpenAsync($"/t/{id}?page=50");
        await Expect(page.Locator("#page-status")).ToHaveTextAsync("Page 50 of 50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Previous page" }).ClickAsync();
        await Expect(page.Locator("#page-status")).ToHaveTextAsync("Page 49 of 50");
        var entries = await page.EvaluateAsync<int>("() => history.length");

        await ReplaceOverHttpAsync(id, editKey, Tsv.Numbered(300, prefix: "new"));

        await Expect(page.Locator("#notice")).ToContainTextAsync("Replaced with version 2 — it has 3 pages, so you are on the last one");
        await Expect(page.Locator("#page-status")).ToHaveTextAsync("Page 3 of 3");
        await Expect(page.GetByLabel("Go to page")).ToHaveValueAsync("3");
        await Expect(page).ToHaveURLAsync(new Regex(@"\?page=3$"));
        Assert.Equal(entries + 1, await page.EvaluateAsync<int>("() => history.length"));
        await Screenshots.SaveAsync(page, "moved-by-replacement");

        await page.GoBackAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("There is no page 49 any more; this is the last page, 3.");
    }

    [Fact]
    public async Task NoticesReplaceEachOtherAndCanBeDismissed()
    {
        var (id, editKey) = await CreateAsync(Tsv.Numbered(3));
        var owner = await OpenAsync($"/t/{id}#key={editKey}");
        var replace = owner.GetByLabel("Replace file");
        await replace.SetInputFilesAsync(new FilePayload { Name = "v2.tsv", MimeType = "text/plain", Buffer = Tsv.Numbered(4) });
        await Expect(owner.Locator("#notice .notice-text")).ToHaveTextAsync("Replaced with version 2");

        await replace.SetInputFilesAsync(new FilePayload { Name = "photo.tsv", MimeType = "text/plain", Buffer = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] });

        await Expect(owner.Locator("#notice")).ToContainTextAsync("The file was not replaced: This file is not tab-separated text.");
        await Expect(owner.GetByText("Replaced with version 2")).ToHaveCountAsync(0);
        await Expect(owner.Locator("#notice")).ToHaveAttributeAsync("role", "alert");
        await owner.GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();
        await Expect(owner.Locator("#notice")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task AnUploadNamesItsFileAndSaysWhatHappensToASecondOne()
    {
        var path = await WriteLargeFileAsync("first.tsv");
        try
        {
            var page = await OpenThrottledAsync("/", bytesPerSecond: 2_000_000);
            await Expect(page.Locator("#connection-state")).ToHaveTextAsync("Live");
            await page.GetByLabel("Choose a file").SetInputFilesAsync(path);
            await Expect(page.Locator(".progress-name")).ToHaveTextAsync("first.tsv");
            await Expect(page.Locator("#file-input")).ToBeDisabledAsync();

            await page.EvaluateAsync("""
                () => {
                  const files = new DataTransfer();
                  files.items.add(new File(["a\tb\n1\t2\n"], "second.tsv", { type: "text/plain" }));
                  document.body.dispatchEvent(new DragEvent("drop", { dataTransfer: files, bubbles: true, cancelable: true }));
                }
                """);

            await Expect(page.Locator("#upload-error")).ToHaveTextAsync(
                "second.tsv was not uploaded: first.tsv is still uploading. Wait for it to finish, or cancel it, then pick the other file.");
            await Expect(page.Locator(".progress-name")).ToHaveTextAsync("first.tsv");
            await Screenshots.SaveAsync(page, "second-file");
            await page.GetByRole(AriaRole.Button, new() { Name = "Cancel uploading first.tsv" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("#upload-error")).ToHaveTextAsync("Upload cancelled. Nothing was saved.");
            await Expect(page.Locator("#file-input")).ToBeEnabledAsync();
        }
        finally
        {
            DeleteLargeFile(path);
        }
    }

    [Fact]
    public async Task AWrongEditLinkOffersNoReplacingAndItsKeyIsNotKept()
    {
        var (id, _) = await CreateAsync(Tsv.Numbered(3));

        var page = await OpenAsync($"/t/{id}#key=this-is-not-the-right-key");

        await Expect(page.Locator("#notice")).ToContainTextAsync("This edit link's key does not match this table, so you can view it but not replace it.");
        await Expect(page.GetByText("Replace file")).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy edit link" })).ToBeHiddenAsync();
        await Expect(page.Locator("#grid tbody tr")).ToHaveCountAsync(3);
        Assert.Null(await page.EvaluateAsync<string?>($"() => localStorage.getItem('tsvlive.editKey.{id}')"));
        await page.ReloadAsync();
        await Expect(page.Locator("#grid tbody tr")).ToHaveCountAsync(3);
        await Expect(page.GetByText("Replace file")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task AViewerWhoseTableDisappearsIsToldItIsNoLongerThere()
    {
        var (id, _) = await CreateAsync(Tsv.Numbered(3));
        var page = await OpenWithControllableNetworkAsync($"/t/{id}");
        await Expect(page.Locator("#grid tbody tr")).ToHaveCountAsync(3);

        var table = await App.Store.GetAsync(id, Ct);
        App.Memory.Drop(table);
        await CutNetworkAsync(page, offline: false);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This table is no longer on the server" })).ToBeVisibleAsync();
        await Expect(page.Locator("#missing-reason")).ToContainTextAsync("the link is right");
    }

    [Fact]
    public async Task RightToLeftTextAndCellsOfOnlySpacesShowAsWhatTheyAre()
    {
        var (id, _) = await CreateAsync(Tsv.Utf8("name\tnote\nשלום עולם\t   \n"));

        var page = await OpenAsync($"/t/{id}");

        var cells = page.Locator("#grid tbody td");
        await Expect(cells.First).ToHaveAttributeAsync("dir", "auto");
        Assert.Equal("rtl", await cells.First.EvaluateAsync<string>("e => getComputedStyle(e).direction"));
        await Expect(cells.Nth(1)).ToHaveClassAsync(new Regex(@"\bblank\b"));
        await Expect(cells.Nth(1)).ToHaveAttributeAsync("title", "3 spaces");
        await Expect(page.Locator("#grid thead th").Nth(1)).ToHaveAttributeAsync("dir", "auto");
    }

    [Fact]
    public async Task GoingToTheLastPageKeepsFocusOnThePager()
    {
        var (id, _) = await CreateAsync(Tsv.Numbered(250));
        var page = await OpenAsync($"/t/{id}");
        await Expect(page.Locator("#page-status")).ToHaveTextAsync("Page 1 of 3");

        await page.GetByRole(AriaRole.Button, new() { Name = "Last page" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#page-status")).ToHaveTextAsync("Page 3 of 3");
        await page.WaitForFunctionAsync("() => document.activeElement?.closest('.pager') && !document.activeElement.disabled");
        Assert.Equal("previous-page", await page.EvaluateAsync<string>("() => document.activeElement.id"));
    }

    [Fact]
    public async Task TheRowNumberColumnStaysNarrowWithFewColumnsOrNoRows()
    {
        var (id, _) = await CreateAsync(Tsv.Utf8("a\tb\n1\t2\n"));
        var (empty, _) = await CreateAsync(Tsv.Utf8("a\tb\n"));

        var page = await OpenAsync($"/t/{id}");
        await Expect(page.Locator("#grid tbody tr")).ToHaveCountAsync(1);
        var corner = await page.Locator("#grid thead th.row-number").BoundingBoxAsync();
        Assert.True(corner!.Width < 80, $"the # column is {corner.Width} px wide");

        var none = await OpenAsync($"/t/{empty}");
        await Expect(none.Locator("#table-rows")).ToHaveTextAsync("0 rows");
        var table = await none.Locator("#grid").BoundingBoxAsync();
        var emptyCorner = await none.Locator("#grid thead th.row-number").BoundingBoxAsync();
        Assert.True(emptyCorner!.X - table!.X < 10 && emptyCorner.Width < 80, $"the # header sits at {emptyCorner.X - table.X} px, {emptyCorner.Width} px wide");
    }

    [Fact]
    public async Task TheTableAndItsScrollAreaHaveAccessibleNames()
    {
        var (id, _) = await CreateAsync(Tsv.Numbered(3));

        var page = await OpenAsync($"/t/{id}");

        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Table rows" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "browser.tsv" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AnAccessibilityCheckFindsNothingMissingOnTheUploadAndTablePages()
    {
        var (id, editKey) = await CreateAsync(Tsv.Utf8("name\tnote\nAnn\t" + new string('x', 120) + "\nBob\t   \n"));
        var context = await NewContextAsync(new() { BypassCSP = true }); // so that axe-core can be injected
        foreach (var path in new[] { "/", $"/t/{id}#key={editKey}" })
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(Url(path));
            await Expect(page.Locator("#connection-state")).ToHaveTextAsync("Live");
            if (path != "/")
            {
                await Expect(page.Locator("#grid tbody tr")).ToHaveCountAsync(2);
            }
            await page.AddScriptTagAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "axe", "axe.min.js") });

            var violations = await page.EvaluateAsync<JsonElement>(
                "async () => (await axe.run(document)).violations.map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)");

            Assert.True(violations.GetArrayLength() == 0, $"{path}: {string.Join("; ", violations.EnumerateArray().Select(v => v.GetString()))}");
        }
    }

    /// <summary>Whether no replacement of the table is running any more (the server has finished with the cancelled one).</summary>
    private static bool TryBeginReplacement(Table table)
    {
        try
        {
            table.BeginReplacement().Dispose();
            return true;
        }
        catch (TsvLive.Errors.TsvLiveException)
        {
            return false;
        }
    }

    private static async Task TabUntilFocusedAsync(IPage page, string elementId)
    {
        for (var presses = 0; presses < 40; presses++)
        {
            if (await page.EvaluateAsync<string?>("() => document.activeElement?.id") == elementId)
            {
                return;
            }
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"#{elementId} never got the keyboard focus");
    }

    private static async Task AssertFocusRingAsync(IPage page, string selector)
    {
        var outline = await page.Locator(selector).EvaluateAsync<JsonElement>(
            "e => { const s = getComputedStyle(e); return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) }; }");
        Assert.NotEqual("none", outline.GetProperty("style").GetString());
        Assert.True(outline.GetProperty("width").GetDouble() >= 2, $"{selector}: focus ring {outline}");
    }
}
