using Microsoft.Playwright;
using TsvLive.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace TsvLive.Tests.Browser;

/// <summary>"Delete table" in Chromium: asked first, naming the file; every viewer is told, no stale rows stay, the edit key is forgotten.</summary>
[Collection(nameof(BrowserCollection))]
public sealed class DeleteBrowserTests(TsvLiveFactory app, ChromiumFixture chromium)
    : BrowserTestBase(app, chromium), IClassFixture<TsvLiveFactory>, IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task TheOwnerDeletesAfterConfirmingAndEveryViewerIsToldTheOwnerDeletedIt()
    {
        var (id, editKey) = await CreateAsync(Tsv.Numbered(40), "budget-2027.tsv");
        var owner = await OpenAsync($"/t/{id}#key={editKey}");
        var viewer = await OpenAsync($"/t/{id}");
        await Expect(viewer.Locator("#connection-state")).ToHaveTextAsync("Live");
        await Expect(owner.Locator("#connection-state")).ToHaveTextAsync("Live");
        var asked = new List<string>();

        // Saying no changes nothing.
        owner.Dialog += DismissOnce;
        await owner.GetByRole(AriaRole.Button, new() { Name = "Delete table" }).ClickAsync();
        await Expect(FirstColumn(viewer).First).ToHaveTextAsync("1");
        Assert.Equal(200, (int)(await App.CreateHttpClient().GetAsync($"/api/tables/{id}", Ct)).StatusCode);

        owner.Dialog += async (_, dialog) =>
        {
            asked.Add(dialog.Message);
            await dialog.AcceptAsync();
        };
        await owner.GetByRole(AriaRole.Button, new() { Name = "Delete table" }).ClickAsync();

        await Expect(owner.Locator("#missing-title")).ToHaveTextAsync("You deleted this table");
        await Expect(viewer.Locator("#missing-title")).ToHaveTextAsync("This table was deleted by its owner");
        await Expect(viewer.Locator("#grid")).ToBeHiddenAsync();
        Assert.Equal(2, asked.Count); // refused once, then accepted
        Assert.All(asked, question => Assert.StartsWith("Delete “budget-2027.tsv”? Everyone viewing it loses it", question, StringComparison.Ordinal));
        Assert.Null(await owner.EvaluateAsync<string?>($"() => localStorage.getItem('tsvlive.editKey.{id}')"));
        Assert.Equal(404, (int)(await App.CreateHttpClient().GetAsync($"/api/tables/{id}", Ct)).StatusCode);
        await Screenshots.SaveAsync(viewer, "deleted-by-owner");

        async void DismissOnce(object? sender, IDialog dialog)
        {
            owner.Dialog -= DismissOnce;
            asked.Add(dialog.Message);
            await dialog.DismissAsync();
        }
    }
}
