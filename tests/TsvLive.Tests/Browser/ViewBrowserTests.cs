using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TsvLive.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace TsvLive.Tests.Browser;

/// <summary>Exploring a table in Chromium: header sorts, the find box, the column menu with stats, filter chips and view links.</summary>
[Collection(nameof(BrowserCollection))]
public sealed partial class ViewBrowserTests(TsvLiveFactory app, ChromiumFixture chromium)
    : BrowserTestBase(app, chromium), IClassFixture<TsvLiveFactory>, IClassFixture<ChromiumFixture>
{
    private static readonly byte[] s_people = Tsv.Utf8(
        "name\tage\tcity\tjoined\n" +
        "Ann\t31\tOslo\t2021-03-01\n" +
        "bob\t4\tRome\t2020-01-15\n" +
        "Émile\t\tParis\t2022-07-30\n" +
        "Bob\t58\tBobbio\t2019-11-02\n" +
        "carla\t4\tOslo\t2023-05-05\n");

    [Fact]
    public async Task ClickingAHeaderSortsAscendingThenDescendingThenOffAndShiftAddsAKey()
    {
        var (id, _) = await CreateAsync(s_people);
        var page = await OpenAsync($"/t/{id}");
        var age = page.Locator("thead th").Nth(2);
        await Expect(FirstColumn(page)).ToHaveTextAsync(["Ann", "bob", "Émile", "Bob", "carla"]);

        await page.GetByRole(AriaRole.Button, new() { Name = "age", Exact = true }).ClickAsync();
        await Expect(age).ToHaveAttributeAsync("aria-sort", "ascending");
        await Expect(FirstColumn(page)).ToHaveTextAsync(["bob", "carla", "Ann", "Bob", "Émile"]);
        await Expect(page).ToHaveURLAsync(new Regex(@"\?sort=2&page=1$"));
        // The original row numbers stay with their rows.
        await Expect(page.Locator("tbody th.row-number")).ToHaveTextAsync(["2", "5", "1", "4", "3"]);
        await Screenshots.SaveAsync(page, "sorted");

        await page.GetByRole(AriaRole.Button, new() { Name = "age", Exact = true }).ClickAsync();
        await Expect(age).ToHaveAttributeAsync("aria-sort", "descending");
        await Expect(FirstColumn(page)).ToHaveTextAsync(["Bob", "Ann", "bob", "carla", "Émile"]);

        await page.GetByRole(AriaRole.Button, new() { Name = "name", Exact = true }).ClickAsync(new() { Modifiers = [KeyboardModifier.Shift] });
        await Expect(page).ToHaveURLAsync(new Regex(@"\?sort=2:desc&sort=1&page=1$"));
        await Expect(page.Locator("thead th").Nth(1)).ToHaveAttributeAsync("aria-sort", "ascending");

        await page.GetByRole(AriaRole.Button, new() { Name = "age", Exact = true }).ClickAsync();
        await Expect(age).ToHaveAttributeAsync("aria-sort", "none");
        await Expect(FirstColumn(page)).ToHaveTextAsync(["Ann", "bob", "Émile", "Bob", "carla"]);

        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"\?sort=2:desc&sort=1&page=1$"));
        await Expect(FirstColumn(page)).ToHaveTextAsync(["Bob", "Ann", "bob", "carla", "Émile"]);
    }

    [Fact]
    public async Task TheFindBoxKeepsMatchingRowsAndHighlightsTheMatches()
    {
        var (id, _) = await CreateAsync(s_people);
        var page = await OpenAsync($"/t/{id}");

        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Find" }).FillAsync("bob");

        await Expect(FirstColumn(page)).ToHaveTextAsync(["bob", "Bob"]);
        await Expect(page.Locator("tbody mark")).ToHaveTextAsync(["bob", "Bob", "Bob"]);
        await Expect(page.Locator("#view-status")).ToHaveTextAsync("2 rows match of 5");
        await Expect(page).ToHaveURLAsync(new Regex(@"\?q=bob&page=1$"));
        await Screenshots.SaveAsync(page, "find-highlight");
    }

    /// <summary>The README's screenshots (copied from tests/screenshots to docs/images): a table as people share one, sorted and filtered by its uploader, and a column's menu.</summary>
    [Fact]
    public async Task AnUploaderSortsAndFiltersAnOrdersTableAndReadsAColumnsStats()
    {
        var (id, editKey) = await CreateAsync(Orders(400), "orders-2026.tsv");
        var page = await OpenAsync($"/t/{id}?sort=5:desc&filter=4:eq:oslo&pageSize=25#key={editKey}");

        await Expect(page.Locator("#view-status")).ToHaveTextAsync(new Regex(@"^\d+ rows match of 400$"));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy edit link" })).ToBeVisibleAsync();
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(25);
        await Expect(page.Locator("tbody tr td:nth-of-type(4)")).ToHaveTextAsync(Enumerable.Repeat("Oslo", 25).ToArray());
        var amounts = (await page.Locator("tbody tr td:nth-of-type(5)").AllTextContentsAsync()).Select(a => decimal.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(amounts.OrderDescending(), amounts);
        await Screenshots.SaveAsync(page, "readme-table");

        await page.GetByRole(AriaRole.Button, new() { Name = "Column menu: amount" }).ClickAsync();
        var menu = page.GetByRole(AriaRole.Dialog, new() { Name = "amount" });
        await Expect(menu.Locator(".facts")).ToContainTextAsync("Values400Empty0");
        await Expect(menu.Locator("svg.histogram rect")).ToHaveCountAsync(20);
        await Screenshots.SaveAsync(page, "readme-column-menu");
    }

    /// <summary>Orders as a shop exports them: id, date, customer, city, amount, status (the same rows every run).</summary>
    private static byte[] Orders(int rows)
    {
        string[] names = ["Ann Berg", "Bo Lind", "Carla Rossi", "Dev Patel", "Émile Roux", "Fatima Zahra", "Gus Holm", "Hana Sato", "Ivo Novak", "June Park"];
        string[] cities = ["Oslo", "Bergen", "Rome", "Paris", "Lisbon", "Kraków"];
        string[] statuses = ["paid", "paid", "paid", "shipped", "refunded"];
        var random = new Random(2026);
        var text = new System.Text.StringBuilder("order\tdate\tcustomer\tcity\tamount\tstatus\n");
        for (var i = 0; i < rows; i++)
        {
            var date = new DateOnly(2026, 1, 1).AddDays(random.Next(330));
            var amount = (random.Next(500, 250_000) / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
            text.Append($"A-{10_000 + i}\t{date:yyyy-MM-dd}\t{names[random.Next(names.Length)]}\t{cities[random.Next(cities.Length)]}\t{amount}\t{statuses[random.Next(statuses.Length)]}\n");
        }
        return Tsv.Utf8(text.ToString());
    }

    [Fact]
    public async Task TheColumnMenuShowsStatsAndItsFilterBecomesARemovableChip()
    {
        var (id, _) = await CreateAsync(s_people);
        var page = await OpenAsync($"/t/{id}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Column menu: age" }).ClickAsync();
        var menu = page.GetByRole(AriaRole.Dialog, new() { Name = "age" });
        await Expect(menu).ToBeVisibleAsync();
        await Expect(menu.Locator(".facts")).ToContainTextAsync("Values4Empty1Distinct3Min4Max58Mean24.25");
        await Expect(menu.Locator(".top-values li .value")).ToHaveTextAsync(["4", "31", "58"]);
        await Expect(menu.Locator("svg.histogram rect")).ToHaveCountAsync(20);
        await Screenshots.SaveAsync(page, "stats-menu");

        await menu.GetByLabel("Filter operator").SelectOptionAsync("between");
        await menu.GetByLabel("Filter value").FillAsync("4");
        await menu.GetByLabel("Filter upper value").FillAsync("40");
        await menu.GetByRole(AriaRole.Button, new() { Name = "Apply filter" }).ClickAsync();

        await Expect(menu).ToBeHiddenAsync();
        await Expect(FirstColumn(page)).ToHaveTextAsync(["Ann", "bob", "carla"]);
        var chips = page.GetByRole(AriaRole.List, new() { Name = "Active filters" }).GetByRole(AriaRole.Button);
        await Expect(chips).ToHaveTextAsync(["age ≥ 4×", "age ≤ 40×"]);
        await Expect(page).ToHaveURLAsync(new Regex(@"\?filter=2:ge:4&filter=2:le:40&page=1$"));
        await Screenshots.SaveAsync(page, "filter-chips");

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove filter: age ≤ 40" }).ClickAsync();
        await Expect(FirstColumn(page)).ToHaveTextAsync(["Ann", "bob", "Bob", "carla"]);
        await Expect(chips).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task ACopiedViewLinkOpensTheSameViewAndTheViewOutlivesAReplacement()
    {
        var (id, editKey) = await CreateAsync(s_people);
        var link = $"/t/{id}?sort=2:desc&filter=3:contains:o&q=b&page=1";

        var colleague = await OpenAsync(link);

        await Expect(FirstColumn(colleague)).ToHaveTextAsync(["Bob", "bob"]);
        await Expect(colleague.Locator("thead th").Nth(2)).ToHaveAttributeAsync("aria-sort", "descending");
        await Expect(colleague.GetByRole(AriaRole.Searchbox, new() { Name = "Find" })).ToHaveValueAsync("b");
        await Expect(colleague.GetByRole(AriaRole.Button, new() { Name = "Remove filter: city contains o" })).ToBeVisibleAsync();

        await ReplaceOverHttpAsync(id, editKey, Tsv.Utf8("name\tage\tcity\tjoined\nbo\t1\tRoma\t2020-01-01\nBoris\t9\tOsaka\t2020-01-01\nzed\t5\tLima\t2020-01-01\n"));

        await Expect(colleague.Locator("#notice")).ToContainTextAsync("Replaced with version 2");
        await Expect(FirstColumn(colleague)).ToHaveTextAsync(["Boris", "bo"]);
        await Expect(colleague).ToHaveURLAsync(new Regex(Regex.Escape(link) + "$"));
    }

    [Fact]
    public async Task TheViewsControlsLookRightInTheDarkTheme()
    {
        var (id, _) = await CreateAsync(s_people);
        var dark = await (await NewContextAsync(new() { ColorScheme = ColorScheme.Dark })).NewPageAsync();
        await dark.GotoAsync(Url($"/t/{id}?sort=2&filter=3:contains:o&q=o"));
        await Expect(FirstColumn(dark)).ToHaveTextAsync(["bob", "carla", "Ann", "Bob"]);
        await Screenshots.SaveAsync(dark, "sorted-filtered-dark");

        await dark.GetByRole(AriaRole.Button, new() { Name = "Column menu: joined" }).ClickAsync();
        await Expect(dark.GetByRole(AriaRole.Dialog, new() { Name = "joined" }).Locator("svg.histogram rect")).ToHaveCountAsync(20);
        await Screenshots.SaveAsync(dark, "stats-menu-dark");
        await dark.Keyboard.PressAsync("Escape");
        await Expect(dark.GetByRole(AriaRole.Dialog)).ToBeHiddenAsync();
        await Expect(dark.GetByRole(AriaRole.Button, new() { Name = "Column menu: joined" })).ToBeFocusedAsync();
    }

    [Fact]
    public async Task AnAccessibilityCheckFindsNothingMissingInAViewWithItsColumnMenuOpen()
    {
        var (id, _) = await CreateAsync(s_people);
        var page = await (await NewContextAsync(new() { BypassCSP = true })).NewPageAsync(); // so that axe-core can be injected
        await page.GotoAsync(Url($"/t/{id}?sort=2:desc&sort=1&filter=3:contains:o&q=o"));
        await Expect(FirstColumn(page)).ToHaveTextAsync(["Bob", "Ann", "bob", "carla"]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Column menu: joined" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog, new() { Name = "joined" }).Locator("svg.histogram rect")).ToHaveCountAsync(20);
        await page.AddScriptTagAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "axe", "axe.min.js") });

        var violations = await page.EvaluateAsync<System.Text.Json.JsonElement>(
            "async () => (await axe.run(document)).violations.map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)");

        Assert.True(violations.GetArrayLength() == 0, string.Join("; ", violations.EnumerateArray().Select(v => v.GetString())));
    }
}
