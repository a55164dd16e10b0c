using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TsvLive.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace TsvLive.Tests.Browser;

/// <summary>
/// "What changed" after a replacement and the version menu, in Chromium: the counts, the changed cells
/// marked on the page (with words for screen readers), the list of only the changes, and an older
/// version opened read-only and left again.
/// </summary>
[Collection(nameof(BrowserCollection))]
public sealed class VersionsAndChangesBrowserTests(TsvLiveFactory app, ChromiumFixture chromium)
    : BrowserTestBase(app, chromium), IClassFixture<TsvLiveFactory>, IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task AViewerSeesWhatChangedMarkedOnThePageAndOpensTheVersionBefore()
    {
        var (id, editKey) = await CreateAsync(Tsv.Numbered(300), "meeting.tsv");
        var viewer = await OpenAsync($"/t/{id}");
        await Expect(viewer.Locator("#connection-state")).ToHaveTextAsync("Live");

        // The owner corrects three names on the first page.
        await ReplaceOverHttpAsync(id, editKey, Edited(Tsv.Numbered(300), ("row 2", "fixed 2"), ("row 5", "fixed 5"), ("row 9", "fixed 9")));

        await Expect(viewer.Locator("#notice")).ToContainTextAsync("Replaced with version 2");
        var whatChanged = viewer.GetByRole(AriaRole.Button, new() { Name = "What changed" });
        await Expect(whatChanged).ToBeVisibleAsync();
        await Screenshots.SaveAsync(viewer, "replaced-what-changed");
        await whatChanged.ClickAsync();

        await Expect(viewer.Locator("#changes-counts")).ToHaveTextAsync("0 added · 3 changed · 0 removed");
        var marked = viewer.Locator("#grid td.cell-changed");
        await Expect(marked).ToHaveCountAsync(3);
        await Expect(marked.First).ToContainTextAsync("fixed 2");
        // Not by colour alone: a screen reader hears what the cell was.
        await Expect(marked.First.Locator(".visually-hidden")).ToHaveTextAsync("Changed, was “row 2”: ");
        await Screenshots.SaveAsync(viewer, "changes-highlighted");
        var listed = viewer.Locator("#changes-list tbody tr");
        await Expect(listed).ToHaveCountAsync(3);
        await Expect(listed.First).ToContainTextAsync("Changed");
        await Expect(listed.First.Locator(".was")).ToHaveTextAsync("row 2");
        await viewer.Locator("#changes").ScrollIntoViewIfNeededAsync();
        await Screenshots.SaveAsync(viewer, "changes-list");

        // The version before, read-only, clearly marked; and back.
        await viewer.GetByRole(AriaRole.Combobox, new() { Name = "Version" }).SelectOptionAsync("1");
        await Expect(viewer.Locator("#old-version-text")).ToHaveTextAsync("Viewing version 1 of 2 (read-only) —");
        await Expect(viewer.Locator("#grid tbody tr").Nth(1).Locator("td").Nth(1)).ToHaveTextAsync("row 2");
        await Expect(viewer).ToHaveURLAsync(new Regex("version=1"));
        await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Present", Exact = true })).ToBeHiddenAsync();
        await Expect(viewer.Locator("#grid td.cell-changed")).ToHaveCountAsync(0); // the marks are on the new version
        await Screenshots.SaveAsync(viewer, "version-menu");
        await viewer.GetByRole(AriaRole.Button, new() { Name = "back to the latest" }).ClickAsync();
        await Expect(viewer.Locator("#old-version")).ToBeHiddenAsync();
        await Expect(viewer.Locator("#grid tbody tr").Nth(1).Locator("td").Nth(1)).ToContainTextAsync("fixed 2");
        await Expect(viewer).Not.ToHaveURLAsync(new Regex("version="));
    }

    [Fact]
    public async Task AddedRowsAreMarkedRemovedOnesStruckThroughInTheListAndAnOldLinkStaysOnItsVersion()
    {
        var (id, editKey) = await CreateAsync(Tsv.Numbered(20), "rows.tsv");
        var viewer = await OpenAsync($"/t/{id}");
        await Expect(viewer.Locator("#connection-state")).ToHaveTextAsync("Live");
        var lines = Encoding.UTF8.GetString(Tsv.Numbered(20)).Split('\n').ToList();
        lines.RemoveAt(4); // row 4
        lines.Insert(2, "100\tnew row\t1000"); // after row 1
        await ReplaceOverHttpAsync(id, editKey, Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        await viewer.GetByRole(AriaRole.Button, new() { Name = "What changed" }).ClickAsync();

        await Expect(viewer.Locator("#changes-counts")).ToHaveTextAsync("1 added · 0 changed · 1 removed");
        var added = viewer.Locator("#grid tr.row-added");
        await Expect(added).ToHaveCountAsync(1);
        await Expect(added.Locator("th .visually-hidden")).ToHaveTextAsync("Added row ");
        await Expect(added.Locator("td").First).ToHaveTextAsync("100");
        await Expect(viewer.Locator("#changes-list tr.removed del").First).ToHaveTextAsync("4");

        // A link to version 1 opens version 1, and a newer version arriving does not take it away.
        var reader = await OpenAsync($"/t/{id}?version=1");
        await Expect(reader.Locator("#old-version-text")).ToHaveTextAsync("Viewing version 1 of 2 (read-only) —");
        await Expect(FirstColumn(reader).Nth(3)).ToHaveTextAsync("4");
        await ReplaceOverHttpAsync(id, editKey, Tsv.Numbered(5));
        await Expect(reader.Locator("#old-version-text")).ToHaveTextAsync("Viewing version 1 of 3 (read-only) —");
        await Expect(FirstColumn(reader).Nth(3)).ToHaveTextAsync("4");
    }

    private static byte[] Edited(byte[] file, params (string From, string To)[] edits)
    {
        var text = Encoding.UTF8.GetString(file);
        foreach (var (from, to) in edits)
        {
            text = text.Replace($"\t{from}\t", $"\t{to}\t", StringComparison.Ordinal);
        }
        return Encoding.UTF8.GetBytes(text);
    }
}
