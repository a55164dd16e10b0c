using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Playwright;
using TsvLive.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace TsvLive.Tests.Browser;

/// <summary>
/// Issue 22 in Chromium: the page says how the file was read, the edit-link holder fixes a wrongly read
/// file with one choice of "Separator", and anyone downloads the rows on screen (the whole view) in a format.
/// </summary>
[Collection(nameof(BrowserCollection))]
public sealed class ReadAsAndDownloadBrowserTests(TsvLiveFactory app, ChromiumFixture chromium)
    : BrowserTestBase(app, chromium), IClassFixture<TsvLiveFactory>, IClassFixture<ChromiumFixture>
{
    private static readonly byte[] s_sales = Tsv.Utf8(
        "region,product,amount\r\n" +
        "North,\"Widget, large\",120\r\n" +
        "South,Gadget,=HYPERLINK(\"http://x\")\r\n" +
        "North,Gadget,75\r\n" +
        "East,Widget,40\r\n");

    [Fact]
    public async Task TheOwnerSeesHowTheFileWasReadAndFixesTheSeparatorWithOneChoice()
    {
        var (id, key) = await CreateAsync(s_sales, "sales.csv");
        var page = await OpenAsync($"/t/{id}#key={key}");
        await Expect(page.Locator("#read-as")).ToHaveTextAsync("Read as comma-separated, quoted, UTF-8.");
        var separator = page.GetByRole(AriaRole.Combobox, new() { Name = "Separator" });
        await Expect(separator).ToHaveValueAsync("comma");
        await Expect(page.Locator("thead th")).ToHaveCountAsync(4); // the row number and three columns

        await separator.SelectOptionAsync("tab");

        await Expect(page.Locator("#notice")).ToContainTextAsync("Read again as tab-separated: version 2");
        await Expect(page.Locator("#read-as")).ToHaveTextAsync("Read as tab-separated, quoted, UTF-8.");
        await Expect(page.Locator("thead th")).ToHaveCountAsync(2);
        await Expect(page.Locator("#table-version")).ToHaveTextAsync("Version 2");

        // A viewer without the key sees how it was read, and no choice.
        var viewer = await OpenAsync($"/t/{id}");
        await Expect(viewer.Locator("#read-as")).ToHaveTextAsync("Read as tab-separated, quoted, UTF-8.");
        await Expect(viewer.GetByRole(AriaRole.Combobox, new() { Name = "Separator" })).ToBeHiddenAsync();
    }

    [Fact]
    public async Task DownloadOffersTheWholeViewInEachFormatAndTheOriginalFile()
    {
        var (id, _) = await CreateAsync(s_sales, "sales.csv");
        var page = await OpenAsync($"/t/{id}?filter=1:eq:North&sort=3:desc&pageSize=25");
        await Expect(FirstColumn(page)).ToHaveTextAsync(["North", "North"]);

        await page.GetByText("Download", new() { Exact = true }).ClickAsync();
        var excel = page.GetByRole(AriaRole.Link, new() { Name = "Download 2 rows as Excel" });
        await Expect(excel).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download the original file (sales.csv)" })).ToBeVisibleAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => excel.ClickAsync());

        Assert.Equal("sales.xlsx", download.SuggestedFilename);
        using (var workbook = SpreadsheetDocument.Open(await download.PathAsync(), false))
        {
            var rows = workbook.WorkbookPart!.WorksheetParts.Single().Worksheet.Descendants<Row>().ToArray();
            Assert.Equal(3, rows.Length); // the header and the view's two rows
            Assert.Equal("75", rows[1].Elements<Cell>().Last().InnerText); // a text column (it holds a formula): text order
        }

        await page.GetByText("Download", new() { Exact = true }).ClickAsync();
        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download 2 rows as CSV" }).ClickAsync());
        using var reader = CsvReader.Create(await File.ReadAllBytesAsync(await csv.PathAsync(), Ct), new CsvReaderOptions { Separator = ',', HasHeader = false });
        var read = new List<string>();
        while (reader.Read())
        {
            read.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)));
        }
        Assert.Equal(["region|product|amount", "North|Gadget|75", "North|Widget, large|120"], read);

        // The original file, byte for byte, and the formula kept from running in a CSV of every row.
        await page.GetByText("Download", new() { Exact = true }).ClickAsync();
        var original = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the original file (sales.csv)" }).ClickAsync());
        Assert.Equal(s_sales, await File.ReadAllBytesAsync(await original.PathAsync(), Ct));
        var everything = await OpenAsync($"/t/{id}");
        await everything.GetByText("Download", new() { Exact = true }).ClickAsync();
        var all = await everything.RunAndWaitForDownloadAsync(() => everything.GetByRole(AriaRole.Link, new() { Name = "Download 4 rows as CSV" }).ClickAsync());
        Assert.Contains("'=HYPERLINK(", Encoding.UTF8.GetString(await File.ReadAllBytesAsync(await all.PathAsync(), Ct)), StringComparison.Ordinal);
        Assert.Matches(new Regex("^sales\\.csv$"), all.SuggestedFilename);
    }
}
