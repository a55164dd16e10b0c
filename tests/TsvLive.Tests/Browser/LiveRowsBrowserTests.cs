using System.Text;
using Microsoft.Playwright;
using TsvLive.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace TsvLive.Tests.Browser;

/// <summary>Rows appended while people watch, in Chromium: counts and the last page follow, "Follow new rows" follows until the viewer pages away, a sorted view refreshes.</summary>
[Collection(nameof(BrowserCollection))]
public sealed class LiveRowsBrowserTests(TsvLiveFactory app, ChromiumFixture chromium)
    : BrowserTestBase(app, chromium), IClassFixture<TsvLiveFactory>, IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task AViewerOnTheLastPageSeesRowsArriveAndFollowNewRowsKeepsUpUntilItPagesAway()
    {
        var (id, editKey) = await CreateAsync(Tsv.Numbered(30), "metrics.tsv");
        var viewer = await OpenAsync($"/t/{id}?pageSize=25&page=2");
        await Expect(viewer.Locator("#connection-state")).ToHaveTextAsync("Live");
        await Expect(FirstColumn(viewer)).ToHaveCountAsync(5);

        await AppendAsync(id, editKey, Rows(31, 10));

        await Expect(viewer.Locator("#table-rows")).ToHaveTextAsync("40 rows");
        await Expect(FirstColumn(viewer)).ToHaveCountAsync(15); // page 2 filled up in place
        await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Follow new rows" })).ToHaveAttributeAsync("aria-pressed", "false");
        await viewer.GetByRole(AriaRole.Button, new() { Name = "Follow new rows" }).ClickAsync();
        await AppendAsync(id, editKey, Rows(41, 20));
        await Expect(viewer.Locator("#page-status")).ToHaveTextAsync("Page 3 of 3");
        await Expect(FirstColumn(viewer).Last).ToHaveTextAsync("60");
        await Screenshots.SaveAsync(viewer, "follow-new-rows");

        await viewer.GetByRole(AriaRole.Button, new() { Name = "First page" }).ClickAsync();
        await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Follow new rows" })).ToHaveAttributeAsync("aria-pressed", "false");
        await AppendAsync(id, editKey, Rows(61, 5));
        await Expect(viewer.Locator("#table-rows")).ToHaveTextAsync("65 rows");
        await Expect(viewer.Locator("#page-status")).ToHaveTextAsync("Page 1 of 3"); // stays where the viewer went
    }

    [Fact]
    public async Task ASortedViewRefreshesAsRowsArrive()
    {
        var (id, editKey) = await CreateAsync(Tsv.Numbered(10), "sorted.tsv");
        var viewer = await OpenAsync($"/t/{id}?sort=3:desc");
        await Expect(FirstColumn(viewer).First).ToHaveTextAsync("10");
        // Every row count the page shows from here on, in order.
        await viewer.EvaluateAsync("""
            () => {
              const counts = document.getElementById("table-rows");
              window.__rowCounts = [];
              new MutationObserver(() => window.__rowCounts.push(counts.textContent)).observe(counts, { childList: true, characterData: true, subtree: true });
            }
            """);

        await AppendAsync(id, editKey, Rows(11, 2));

        await Expect(FirstColumn(viewer).First).ToHaveTextAsync("12");
        await Expect(FirstColumn(viewer)).ToHaveCountAsync(12);
        await Expect(viewer.Locator("#notice")).ToBeHiddenAsync(); // arriving rows are not news to dismiss

        // Rows again within the second the server's views lag by: the view ends with every row all the same.
        await AppendAsync(id, editKey, Rows(13, 1));
        await AppendAsync(id, editKey, Rows(14, 1));
        await Expect(FirstColumn(viewer).First).ToHaveTextAsync("14");
        await Expect(FirstColumn(viewer)).ToHaveCountAsync(14);
        await Screenshots.SaveAsync(viewer, "sorted-view-live-rows");
        // The view's pages are of rows up to a second old, but the count shown never went back.
        var counts = (await viewer.EvaluateAsync<string[]>("() => window.__rowCounts")).Select(c => int.Parse(c.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(counts.Order(), counts);
        Assert.Equal(14, counts[^1]);
    }

    private static string Rows(int from, int count) =>
        string.Concat(Enumerable.Range(from, count).Select(i => $"{i}\trow {i}\t{i * 10}\n"));

    private async Task AppendAsync(string id, string editKey, string records)
    {
        using var http = App.CreateHttpClient();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tables/{id}/rows") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(records)) };
        request.Headers.Add("X-Edit-Key", editKey);
        (await http.SendAsync(request, Ct)).EnsureSuccessStatusCode();
    }
}
