using TsvLive.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace TsvLive.Tests.Browser;

/// <summary>
/// The page uploads files larger than its unconfirmed-bytes window at full speed, again and again,
/// against a server whose progress comes seldom (one per 2 s): no upload may stall, and every byte
/// arrives as it is in the file.
/// </summary>
[Collection(nameof(BrowserCollection))]
public sealed class BrowserUploadFlowTests(BrowserUploadFlowTests.Factory app, ChromiumFixture chromium)
    : BrowserTestBase(app, chromium), IClassFixture<BrowserUploadFlowTests.Factory>, IClassFixture<ChromiumFixture>
{
    public sealed class Factory : TsvLiveFactory
    {
        public Factory() => With("TsvLive:NotificationInterval", "00:00:02");
    }

    [Fact]
    public async Task FilesLargerThanTheWindowUploadAtFullSpeedWithoutStalling()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tsvlive-{Guid.NewGuid():N}.tsv");
        var bytes = Tsv.Numbered(800_000); // about 22 MB, more than the page's 16 MB window and five of the blocks it reads the file in
        await File.WriteAllBytesAsync(path, bytes, Ct);
        using var http = App.CreateHttpClient();
        var context = await NewContextAsync(new());
        try
        {
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var page = await context.NewPageAsync();
                await page.GotoAsync(Url("/"));
                await Expect(page.Locator("#connection-state")).ToHaveTextAsync("Live");

                await page.GetByLabel("Choose a file").SetInputFilesAsync(path);

                // Well under the server's 30 s stall timeout, so a stalled upload fails here rather than there.
                await Expect(page.Locator("#table-rows")).ToHaveTextAsync("800,000 rows", new() { Timeout = 25_000 });
                var id = new Uri(page.Url).AbsolutePath.Split('/')[^1];
                Assert.Equal(bytes, await http.GetByteArrayAsync($"/api/tables/{id}/file", Ct));
                await page.CloseAsync();
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
