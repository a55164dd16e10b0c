using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TsvLive.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace TsvLive.Tests.Browser;

/// <summary>
/// Exploring a table as people do, in Chromium: views that meet bad input, replacements that change
/// the columns, huge cells, the keyboard, slow answers, the find box, shared links, and a server that
/// refuses the live connection. Each test shows the page telling the truth about what it shows.
/// </summary>
[Collection(nameof(BrowserCollection))]
public sealed class ExploringTests(TsvLiveFactory app, ChromiumFixture chromium)
    : BrowserTestBase(app, chromium), IClassFixture<TsvLiveFactory>, IClassFixture<ChromiumFixture>
{
    private static readonly byte[] s_stock = Tsv.Utf8(
        "item\tqty\twhen\n" +
        "apple\t5\t2024-01-05\n" +
        "pear\t150\t2024-02-01\n" +
        "plum\t300\t2023-12-31\n");

    [Fact]
    public async Task AFilterValueTheColumnCannotHoldIsRefusedInTheMenuAndNeverLocksTheTable()
    {
        var (id, _) = await CreateAsync(s_stock);
        var page = await OpenAsync($"/t/{id}");
        await Expect(FirstColumn(page)).ToHaveTextAsync(["apple", "pear", "plum"]);

        await page.GetByRole(AriaRole.Button, new() { Name = "Column menu: qty" }).ClickAsync();
        var menu = page.GetByRole(AriaRole.Dialog, new() { Name = "qty" });
        await Expect(menu.Locator(".hint").First).ToContainTextAsync("Whole numbers such as 42");
        await menu.GetByLabel("Filter operator").SelectOptionAsync("gt");
        await menu.GetByLabel("Filter value").FillAsync("1,5");
        await menu.GetByRole(AriaRole.Button, new() { Name = "Apply filter" }).ClickAsync();

        await Expect(menu.GetByRole(AriaRole.Alert)).ToHaveTextAsync("“1,5” is not one of the values this column holds: whole numbers such as 42 or -7 (or decimals with a dot, such as 1.5).");
        await Expect(menu.GetByLabel("Filter value")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(menu.GetByLabel("Filter value")).ToBeFocusedAsync();
        await Expect(page.Locator("#filters")).ToBeHiddenAsync();
        await Screenshots.SaveAsync(page, "filter-value-refused");

        await menu.GetByLabel("Filter value").FillAsync("100");
        await menu.GetByRole(AriaRole.Button, new() { Name = "Apply filter" }).ClickAsync();
        await Expect(FirstColumn(page)).ToHaveTextAsync(["pear", "plum"]);

        // A part of a view the page cannot check itself (a value over the server's length limit) is
        // dropped with a word when the server refuses it; the table is never locked behind it.
        await page.GotoAsync(Url($"/t/{id}?filter=1:contains:{new string('x', 1001)}&sort=2:desc"));
        await Expect(FirstColumn(page)).ToHaveTextAsync(["plum", "pear", "apple"]);
        await Expect(page.Locator("#notice")).ToContainTextAsync("The filters could not be used and were removed: a filter's value may be at most 1,000 characters long.");
        await Expect(page).ToHaveURLAsync(new Regex(@"\?sort=2:desc&page=1$"));
        await page.GetByRole(AriaRole.Button, new() { Name = "item", Exact = true }).ClickAsync();
        await Expect(FirstColumn(page)).ToHaveTextAsync(["apple", "pear", "plum"]);
    }

    [Fact]
    public async Task AReplacementThatRemovesTheViewedColumnShowsTheNewRowsAndSaysWhatWasDropped()
    {
        var wide = new StringBuilder("c1\tc2\tc3\tc4\tc5\tc6\tc7\tc8\n");
        for (var i = 1; i <= 30; i++)
        {
            wide.Append($"a{i}\tb\tc\td\te\tf\tg\t{i}\n");
        }
        var (id, editKey) = await CreateAsync(Tsv.Utf8(wide.ToString()));
        var viewer = await OpenAsync($"/t/{id}?sort=8:desc&filter=8:ge:3&page=1&pageSize=25");
        await Expect(FirstColumn(viewer).First).ToHaveTextAsync("a30");

        var narrow = new StringBuilder("c1\tc2\tc3\tc4\tc5\n");
        for (var i = 1; i <= 12; i++)
        {
            narrow.Append($"new{i}\tb\tc\td\te\n");
        }
        await ReplaceOverHttpAsync(id, editKey, Tsv.Utf8(narrow.ToString()));

        await Expect(viewer.Locator("#notice .notice-text")).ToHaveTextAsync(
            "Replaced with version 2. “c8” is no longer in the table, so its sort and filter “c8 ≥ 3” was removed.");
        await Expect(viewer.Locator("#table-version")).ToHaveTextAsync("Version 2");
        await Expect(viewer.Locator("#grid thead th")).ToHaveCountAsync(6);
        await Expect(viewer.Locator("#grid tbody tr")).ToHaveCountAsync(12);
        await Expect(FirstColumn(viewer).First).ToHaveTextAsync("new1");
        await Expect(viewer.Locator("#table-error")).ToBeHiddenAsync();
        await Expect(viewer).ToHaveURLAsync(new Regex(@"/t/[^?]+\?page=1&pageSize=25$"));
        await Screenshots.SaveAsync(viewer, "replacement-dropped-view");
    }

    [Fact]
    public async Task AViewLinkNamingWhatTheTableLacksShowsTheTableAndSaysWhatWasLeftOut()
    {
        var (id, _) = await CreateAsync(Tsv.Utf8("a\tb\tc\td\te\n1\t2\t3\t4\t5\n6\t7\t8\t9\t10\n11\t12\t13\t14\t15\n"));

        var page = await OpenAsync($"/t/{id}?sort=12&filter=9:eq:1&sort=abc&filter=2&page=1");

        await Expect(page.Locator("#grid tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#grid thead th")).ToHaveCountAsync(6);
        await Expect(page.Locator("#page-status")).ToHaveTextAsync("Page 1 of 1");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Next page" })).ToBeDisabledAsync();
        await Expect(page.Locator("#notice")).ToHaveTextAsync(
            "The sort by column 12 (this table has columns 1 to 5) was left out: it does not fit this table. " +
            "The sort “abc” (not a column number) was left out: it does not fit this table. " +
            "The filter on column 9 (this table has columns 1 to 5) was left out: it does not fit this table. " +
            "The filter “2” (not column:operator:value) was left out: it does not fit this table.");
        await Expect(page.Locator("#table-error")).ToBeHiddenAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/t/[^?]+\?page=1$"));
    }

    [Fact]
    public async Task AfterReplacementsTheViewFollowsItsColumnsByNameAndSaysWhenAFilterWouldChangeMeaning()
    {
        var (id, editKey) = await CreateAsync(Prices(qty: i => $"{i * 10}"));
        var viewer = await OpenAsync($"/t/{id}?sort=3:desc&filter=2:gt:100&page=1");
        await Expect(viewer.Locator("#view-status")).ToHaveTextAsync("20 rows match of 30");

        // qty gains "n/a": it becomes text, where "> 100" would compare text ("37" > "100").
        await ReplaceOverHttpAsync(id, editKey, Prices(qty: i => i % 10 == 0 ? "n/a" : $"{i * 10}"));
        await Expect(viewer.Locator("#notice .notice-text")).ToHaveTextAsync(
            "Replaced with version 2. “qty” now holds text values, so the filter “qty > 100” was removed (it would compare something else now).");
        await Expect(viewer.Locator("#filters")).ToBeHiddenAsync();
        await Expect(viewer.Locator("#grid tbody tr")).ToHaveCountAsync(30);
        await Expect(viewer).ToHaveURLAsync(new Regex(@"\?sort=3:desc&page=1$"));

        // qty goes: price moves from column 3 to 2, and the sort goes with it (not onto another column).
        var v3 = new StringBuilder("name\tprice\n");
        for (var i = 1; i <= 30; i++)
        {
            v3.Append($"n{i}\t{i * 7 % 31}\n");
        }
        await ReplaceOverHttpAsync(id, editKey, Tsv.Utf8(v3.ToString()));
        await Expect(viewer.Locator("#notice .notice-text")).ToHaveTextAsync("Replaced with version 3. “price” moved to column 2; the view follows it.");
        await Expect(viewer.Locator("#grid thead th").Nth(2)).ToHaveAttributeAsync("aria-sort", "descending");
        await Expect(viewer.Locator("#grid tbody tr").First.Locator("td").Nth(1)).ToHaveTextAsync("30");
        await Expect(viewer).ToHaveURLAsync(new Regex(@"\?sort=2:desc&page=1$"));
        await Screenshots.SaveAsync(viewer, "replacement-view-follows");
    }

    [Fact]
    public async Task ATableWithAHugeCellShowsItCutWithALinkToTheWholeCell()
    {
        var huge = new string('x', 20 * 1024 * 1024);
        var (id, _) = await CreateAsync(Tsv.Utf8($"id\tblob\tnote\n1\t{huge}\tsmall\n2\tshort\tok\n"));

        var page = await OpenAsync($"/t/{id}");

        await Expect(page.Locator("#grid tbody tr")).ToHaveCountAsync(2);
        var link = page.GetByRole(AriaRole.Link, new() { Name = "Cut — open the whole cell (20,971,520 characters)" });
        await Expect(link).ToBeVisibleAsync();
        await Expect(page.Locator("#grid tbody tr").Nth(1).Locator("td").Nth(1)).ToHaveTextAsync("short");
        await Expect(page.Locator("#table-error")).ToBeHiddenAsync();
        await Screenshots.SaveAsync(page, "cut-cell");

        using var http = App.CreateHttpClient();
        var whole = await http.GetAsync(await link.GetAttributeAsync("href"), Ct);
        Assert.Equal("text/plain; charset=utf-8", whole.Content.Headers.ContentType?.ToString());
        Assert.Equal(huge, await whole.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task KeyboardSortingKeepsFocusOnTheControlThatWasPressed()
    {
        var (id, _) = await CreateAsync(s_stock);
        var page = await OpenAsync($"/t/{id}");
        await Expect(FirstColumn(page)).ToHaveTextAsync(["apple", "pear", "plum"]);
        var qty = page.GetByRole(AriaRole.Button, new() { Name = "qty", Exact = true });

        await qty.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#grid thead th").Nth(2)).ToHaveAttributeAsync("aria-sort", "ascending");
        await Expect(qty).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#grid thead th").Nth(2)).ToHaveAttributeAsync("aria-sort", "descending");
        await Expect(FirstColumn(page)).ToHaveTextAsync(["plum", "pear", "apple"]);
        await Expect(qty).ToBeFocusedAsync();

        var itemMenu = page.GetByRole(AriaRole.Button, new() { Name = "Column menu: item" });
        await itemMenu.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sort ascending" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(FirstColumn(page)).ToHaveTextAsync(["apple", "pear", "plum"]);
        await Expect(page.Locator("#grid thead th").Nth(1)).ToHaveAttributeAsync("aria-sort", "ascending");
        await Expect(itemMenu).ToBeFocusedAsync();
    }

    [Fact]
    public async Task AHeadersNameIsTheColumnsNameAndTheSortKeysPlaceIsSaid()
    {
        var (id, _) = await CreateAsync(s_stock);
        var page = await OpenAsync($"/t/{id}?sort=2:desc&sort=1&page=1");
        await Expect(FirstColumn(page)).ToHaveTextAsync(["plum", "pear", "apple"]);

        await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "qty", Exact = true })).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "when", Exact = true })).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "qty", Exact = true })).ToHaveAccessibleDescriptionAsync("Sort key 1 of 2, descending");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "item", Exact = true })).ToHaveAccessibleDescriptionAsync("Sort key 2 of 2, ascending");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Column menu: qty" })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task ASlowViewSaysItIsBeingComputedAndAFastOneShowsNoSign()
    {
        var (id, _) = await CreateAsync(s_stock);
        var page = await OpenWithSlowAnswersAsync($"/t/{id}");
        await Expect(FirstColumn(page)).ToHaveTextAsync(["apple", "pear", "plum"]);
        await page.EvaluateAsync("""
            () => {
              window.__busyShown = 0;
              new MutationObserver(() => { if (!document.getElementById("view-busy").hidden) window.__busyShown++; })
                .observe(document.getElementById("view-busy"), { attributes: true });
            }
            """);

        await page.GetByRole(AriaRole.Button, new() { Name = "item", Exact = true }).ClickAsync();
        await Expect(page.Locator("#grid thead th").Nth(1)).ToHaveAttributeAsync("aria-sort", "ascending");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => window.__busyShown"));

        await page.EvaluateAsync("() => { window.__delayMs = 2000; }");
        await page.GetByRole(AriaRole.Button, new() { Name = "qty", Exact = true }).ClickAsync();
        await Expect(page.Locator("#view-busy")).ToHaveTextAsync("Sorting…");
        await Expect(page.Locator("#table-region")).ToHaveAttributeAsync("aria-busy", "true");
        await Screenshots.SaveAsync(page, "view-busy");
        await Expect(page.Locator("#grid thead th").Nth(2)).ToHaveAttributeAsync("aria-sort", "ascending");
        await Expect(page.Locator("#view-busy")).ToBeHiddenAsync();
        await Expect(page.Locator("#table-region")).Not.ToHaveAttributeAsync("aria-busy", "true");
    }

    [Fact]
    public async Task TypingInTheFindBoxMakesOneStepInTheHistoryAndFindsTheTrimmedText()
    {
        var (id, _) = await CreateAsync(Tsv.Utf8("city\tpeople\nnew york\t8\nnewark\t3\nyork\t2\nboston\t7\n"));
        var page = await OpenAsync($"/t/{id}");
        await Expect(FirstColumn(page)).ToHaveCountAsync(4);
        var steps = await page.EvaluateAsync<int>("() => history.length");

        var find = page.GetByRole(AriaRole.Searchbox, new() { Name = "Find" });
        await find.PressSequentiallyAsync(" new york ", new() { Delay = 450 });

        await Expect(page).ToHaveURLAsync(new Regex(@"\?q=new%20york&page=1$"));
        await Expect(FirstColumn(page)).ToHaveTextAsync(["new york"]);
        Assert.Equal(steps + 1, await page.EvaluateAsync<int>("() => history.length"));

        await page.GoBackAsync();
        await Expect(FirstColumn(page)).ToHaveCountAsync(4);
        await Expect(find).ToHaveValueAsync("");
    }

    [Fact]
    public async Task CopyViewLinkCopiesWhatIsOnScreenAndTheTableLinkStaysAtHand()
    {
        var (id, _) = await CreateAsync(Tsv.Numbered(60));
        var context = await NewContextAsync(new() { Permissions = ["clipboard-read", "clipboard-write"] });
        var page = await context.NewPageAsync();
        var onScreen = $"/t/{id}?sort=2:desc&page=2&pageSize=25";
        await page.GotoAsync(Url(onScreen));
        await Expect(page.Locator("#page-status")).ToHaveTextAsync("Page 2 of 3");

        await page.GetByRole(AriaRole.Button, new() { Name = "Copy view link" }).ClickAsync();
        await Expect(page.Locator("#copied")).ToHaveTextAsync("View link copied");
        Assert.Equal(Url(onScreen), await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Copy table link" }).ClickAsync();
        await Expect(page.Locator("#copied")).ToHaveTextAsync("Table link copied");
        Assert.Equal(Url($"/t/{id}"), await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
    }

    [Fact]
    public async Task AnOpenColumnMenuShowsTheNewVersionsStatsAfterAReplacementOrClosesWhenItsColumnIsGone()
    {
        var (id, editKey) = await CreateAsync(Prices(qty: i => $"{i}", rows: 300));
        var page = await OpenAsync($"/t/{id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Column menu: qty" }).ClickAsync();
        var menu = page.GetByRole(AriaRole.Dialog, new() { Name = "qty" });
        await Expect(menu.Locator(".facts")).ToContainTextAsync("Values300");

        await ReplaceOverHttpAsync(id, editKey, Prices(qty: i => $"{i}", rows: 50));

        await Expect(page.Locator("#table-version")).ToHaveTextAsync("Version 2");
        await Expect(menu.Locator(".facts")).ToContainTextAsync("Values50");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Column menu: qty" })).ToHaveAttributeAsync("aria-expanded", "true");

        await ReplaceOverHttpAsync(id, editKey, Tsv.Utf8("name\tprice\na\t1\n"));
        await Expect(page.Locator("#table-version")).ToHaveTextAsync("Version 3");
        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeHiddenAsync();
    }

    [Fact]
    public async Task WhenTheServerRefusesTheLiveConnectionThePageSaysWhyAndShowsTheRowsMeanwhile()
    {
        await using var strict = new TsvLiveFactory().With("TsvLive:HubConnectionsPerMinute", "1");
        var created = await strict.CreateTableAsync(s_stock, Ct);
        var first = await NewPageAsync();
        await first.GotoAsync(new Uri(strict.ServerAddress, $"/t/{created.Id}").ToString());
        await Expect(first.Locator("#connection-state")).ToHaveTextAsync("Live");

        var refused = await NewPageAsync();
        await refused.GotoAsync(new Uri(strict.ServerAddress, $"/t/{created.Id}?sort=2:desc").ToString());

        await Expect(FirstColumn(refused)).ToHaveTextAsync(["plum", "pear", "apple"]);
        await Expect(refused.Locator("#notice")).ToContainTextAsync("Your network has opened 1 live connection to this server in the last minute");
        await Expect(refused.Locator("#notice")).ToContainTextAsync("The table is still shown, without live updates");
        await Expect(refused.Locator("#connection-state")).ToHaveTextAsync(new Regex(@"^Not live — retrying in \d+ s$"));
        await Expect(refused.Locator("#table-error")).ToBeHiddenAsync();
        await refused.GetByRole(AriaRole.Button, new() { Name = "Next page" }).IsDisabledAsync();
        await refused.GetByRole(AriaRole.Button, new() { Name = "Column menu: qty" }).ClickAsync();
        await Expect(refused.GetByRole(AriaRole.Dialog, new() { Name = "qty" }).Locator(".facts")).ToContainTextAsync("Values3");
        await Screenshots.SaveAsync(refused, "live-connection-refused");
    }

    [Fact]
    public async Task APageThatCannotConnectAtFirstShowsTheTableOverHttpAndGoesLiveWhenItCan()
    {
        var (id, editKey) = await CreateAsync(s_stock);
        var page = await OpenWithControllableNetworkAsync($"/t/{id}?sort=2:desc", startOffline: true);

        await Expect(FirstColumn(page)).ToHaveTextAsync(["plum", "pear", "apple"]);
        await Expect(page.Locator("#connection-state")).ToHaveTextAsync("Offline — retrying…");
        await Expect(page.Locator("#table-error")).ToBeHiddenAsync();

        await page.EvaluateAsync("() => { window.__offline = false; }");
        await Expect(page.Locator("#connection-state")).ToHaveTextAsync("Live", new() { Timeout = 20_000 });
        await ReplaceOverHttpAsync(id, editKey, Tsv.Utf8("item\tqty\twhen\nfig\t9\t2024-03-03\n"));
        await Expect(page.Locator("#notice .notice-text")).ToHaveTextAsync("Replaced with version 2");
        await Expect(FirstColumn(page)).ToHaveTextAsync(["fig"]);
    }

    [Fact]
    public async Task AViewThatMatchesNothingSaysSoAcrossTheTableAndOffersAWayOut()
    {
        var (id, _) = await CreateAsync(s_stock);
        var page = await OpenAsync($"/t/{id}?q=zzz&filter=2:gt:1");

        var empty = page.Locator("#grid tbody tr.empty td");
        await Expect(empty).ToContainTextAsync("No rows contain “zzz” and pass the filters.");
        await Expect(empty).ToHaveAttributeAsync("colspan", "4");
        await Screenshots.SaveAsync(page, "no-rows-match");
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear find and filters" }).ClickAsync();

        await Expect(FirstColumn(page)).ToHaveTextAsync(["apple", "pear", "plum"]);
        await Expect(page.GetByRole(AriaRole.Searchbox, new() { Name = "Find" })).ToHaveValueAsync("");
    }

    [Fact]
    public async Task StatsSayWhenNoValueRepeatsAndThatTheyCoverTheWholeColumnUnderAFilter()
    {
        var (id, _) = await CreateAsync(s_stock);
        var page = await OpenAsync($"/t/{id}?filter=2:gt:100");
        await Expect(FirstColumn(page)).ToHaveTextAsync(["pear", "plum"]);

        await page.GetByRole(AriaRole.Button, new() { Name = "Column menu: item" }).ClickAsync();
        var menu = page.GetByRole(AriaRole.Dialog, new() { Name = "item" });

        await Expect(menu.Locator(".all-distinct")).ToHaveTextAsync("All 3 values are distinct.");
        await Expect(menu.Locator(".top-values")).ToHaveCountAsync(0);
        await Expect(menu.Locator(".scope")).ToHaveTextAsync("Of the whole column (every row of the table), not only the rows the filters and find show.");
    }

    [Fact]
    public async Task TabbingPastTheColumnMenusLastControlClosesIt()
    {
        var (id, _) = await CreateAsync(s_stock);
        var page = await OpenAsync($"/t/{id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Column menu: item" }).ClickAsync();
        var menu = page.GetByRole(AriaRole.Dialog, new() { Name = "item" });
        await Expect(menu.Locator(".facts")).ToBeVisibleAsync();

        await menu.GetByRole(AriaRole.Button, new() { Name = "Apply filter" }).FocusAsync();
        for (var i = 0; i < 10 && await menu.IsVisibleAsync(); i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await Expect(menu).ToBeHiddenAsync();
        var opener = page.GetByRole(AriaRole.Button, new() { Name = "Column menu: item" });
        await Expect(opener).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(opener).ToBeFocusedAsync();
    }

    [Fact]
    public async Task ASortChosenWhileTheServerIsUnreachableOpensOnItsFirstPage()
    {
        var (id, _) = await CreateAsync(Tsv.Numbered(300));
        var page = await OpenWithControllableNetworkAsync($"/t/{id}?page=3");
        await Expect(page.Locator("#page-status")).ToHaveTextAsync("Page 3 of 3");

        await CutNetworkAsync(page, offline: true);
        await Expect(page.Locator("#connection-state")).Not.ToHaveTextAsync("Live");
        await page.Context.SetOfflineAsync(true);
        await page.GetByRole(AriaRole.Button, new() { Name = "id", Exact = true }).ClickAsync();
        await page.Context.SetOfflineAsync(false);
        await page.EvaluateAsync("() => { window.__offline = false; }");

        await Expect(page.Locator("#connection-state")).ToHaveTextAsync("Live", new() { Timeout = 20_000 });
        await Expect(page.Locator("#page-status")).ToHaveTextAsync("Page 1 of 3");
        await Expect(page.Locator("#grid thead th").Nth(1)).ToHaveAttributeAsync("aria-sort", "ascending");
        await Expect(page).ToHaveURLAsync(new Regex(@"\?sort=1&page=1$"));
    }

    [Fact]
    public async Task OpeningATableAsksTheServerForNothingItLacks()
    {
        var (id, _) = await CreateAsync(s_stock);
        var page = await NewPageAsync();
        var missing = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status == 404)
            {
                missing.Add(response.Url);
            }
        };

        await page.GotoAsync(Url($"/t/{id}"));
        await Expect(FirstColumn(page)).ToHaveTextAsync(["apple", "pear", "plum"]);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.Empty(missing);
        Assert.Equal("image/svg+xml", await page.EvaluateAsync<string>("() => document.querySelector('link[rel=icon]').type"));
    }

    private static byte[] Prices(Func<int, string> qty, int rows = 30)
    {
        var text = new StringBuilder("name\tqty\tprice\n");
        for (var i = 1; i <= rows; i++)
        {
            text.Append($"n{i}\t{qty(i)}\t{i}\n");
        }
        return Tsv.Utf8(text.ToString());
    }
}
