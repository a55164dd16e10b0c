using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TsvLive.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace TsvLive.Tests.Browser;

/// <summary>Following a presenter in Chromium: "Present", the follow link, a follower's page moving with the presenter's, "Stop following".</summary>
[Collection(nameof(BrowserCollection))]
public sealed class PresentingBrowserTests(TsvLiveFactory app, ChromiumFixture chromium)
    : BrowserTestBase(app, chromium), IClassFixture<TsvLiveFactory>, IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task AFollowerMovesWithThePresenterUntilItStopsFollowing()
    {
        var (id, _) = await CreateAsync(Tsv.Numbered(500));
        var presenter = await OpenAsync($"/t/{id}");
        await presenter.GetByRole(AriaRole.Button, new() { Name = "Present", Exact = true }).ClickAsync();
        await Expect(presenter.Locator("#presenting-status")).ToHaveTextAsync("No one follows yet");
        await Expect(presenter.Locator("#presenting-link")).ToContainTextAsync("?follow=");
        var link = await presenter.Locator("#presenting-link").TextContentAsync();
        Assert.Matches(new Regex($"/t/{Regex.Escape(id)}\\?follow=[A-Za-z0-9_-]{{22}}$"), link);

        var follower = await OpenAsync(new Uri(link!).PathAndQuery);
        await Expect(follower.Locator("#following")).ToBeVisibleAsync();
        await Expect(presenter.Locator("#presenting-status")).ToHaveTextAsync("1 following");

        await presenter.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Expect(FirstColumn(follower).First).ToHaveTextAsync("101");
        await presenter.GetByRole(AriaRole.Button, new() { Name = "value", Exact = true }).ClickAsync(); // sort by value
        await presenter.GetByRole(AriaRole.Button, new() { Name = "value", Exact = true }).ClickAsync(); // descending
        await Expect(FirstColumn(follower).First).ToHaveTextAsync("500");
        await Expect(follower.Locator("thead th").Nth(3)).ToHaveAttributeAsync("aria-sort", "descending");
        await Screenshots.SaveAsync(follower, "following");

        // Paging on its own asks first; saying yes stops following.
        follower.Dialog += (_, dialog) => dialog.AcceptAsync();
        await follower.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Expect(follower.Locator("#following")).ToBeHiddenAsync();
        await Expect(presenter.Locator("#presenting-status")).ToHaveTextAsync("No one follows yet");
        await presenter.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Expect(presenter.Locator("#page-status")).ToContainTextAsync("2");
        await Expect(FirstColumn(follower).First).ToHaveTextAsync("400"); // its own page 2 of the sorted view
    }

    [Fact]
    public async Task WhenThePresenterStopsTheFollowerIsToldAndPagesOnItsOwn()
    {
        var (id, _) = await CreateAsync(Tsv.Numbered(300));
        var presenter = await OpenAsync($"/t/{id}");
        await presenter.GetByRole(AriaRole.Button, new() { Name = "Present", Exact = true }).ClickAsync();
        await Expect(presenter.Locator("#presenting-link")).ToContainTextAsync("?follow=");
        var link = await presenter.Locator("#presenting-link").TextContentAsync();
        var follower = await OpenAsync(new Uri(link!).PathAndQuery);
        await Expect(presenter.Locator("#presenting-status")).ToHaveTextAsync("1 following");

        await presenter.GetByRole(AriaRole.Button, new() { Name = "Stop presenting" }).ClickAsync();

        await Expect(follower.Locator("#notice")).ToContainTextAsync("The presentation has ended");
        await Expect(follower.GetByRole(AriaRole.Button, new() { Name = "Stop following" })).ToBeHiddenAsync();
        await Expect(presenter.GetByRole(AriaRole.Button, new() { Name = "Present", Exact = true })).ToBeVisibleAsync();
        // A follow link of an ended presentation says so.
        var late = await OpenAsync(new Uri(link!).PathAndQuery);
        await Expect(late.Locator("#notice")).ToContainTextAsync("You are not following: This presentation has ended");
    }
}
