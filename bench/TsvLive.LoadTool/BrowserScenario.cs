using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using TsvLive.Benchmarks;

namespace TsvLive.LoadTool;

/// <summary>
/// A person uploading the 100 MB file through the page, in Debian's Chromium driven by Playwright:
/// from choosing the file to the first rows on screen, and to the table shown whole (its row count
/// final). Chromium is found at TSVLIVE_CHROMIUM or /usr/bin/chromium.
/// </summary>
internal sealed class BrowserScenario(ServerProcess server, LoadScale scale, TextWriter report)
{
    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("TSVLIVE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task RunAsync(int repeats)
    {
        if (!File.Exists(ChromiumPath))
        {
            Line($"## Upload through the page: not measured, no Chromium at {ChromiumPath} (apt-get install chromium, or set TSVLIVE_CHROMIUM)");
            Line("");
            return;
        }
        var file = GeneratedTsv.Realistic(scale.UploadBytes);
        var rows = file.AsSpan().Count((byte)'\n') - 1; // the generated notes hold tabs, never line breaks
        var path = Path.Combine(Path.GetTempPath(), $"tsvlive-browser-{Environment.ProcessId}.tsv");
        await File.WriteAllBytesAsync(path, file);
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            var firstRows = new List<double>();
            var whole = new List<double>();
            for (var run = 0; run < repeats; run++)
            {
                var page = await browser.NewPageAsync();
                await page.GotoAsync(server.Address.ToString());
                // A function, not an expression: Playwright polls an expression with eval, which the page's CSP refuses.
                await page.WaitForFunctionAsync("() => document.querySelector('#connection-state').textContent === 'Live'");
                var watch = Stopwatch.StartNew();
                var choosing = page.Locator("#file-input").SetInputFilesAsync(path);
                await page.WaitForSelectorAsync("#grid tbody tr", new() { Timeout = 120_000 });
                firstRows.Add(watch.Elapsed.TotalMilliseconds);
                await page.WaitForFunctionAsync($"() => document.querySelector('#table-rows').textContent === '{rows.ToString("N0", CultureInfo.InvariantCulture)} rows'",
                    null, new() { Timeout = 120_000, PollingInterval = 10 });
                whole.Add(watch.Elapsed.TotalMilliseconds);
                await choosing;
                await page.CloseAsync();
            }
            Line($"## Upload of a {file.Length / 1e6:0} MB file through the page (Chromium, {repeats} runs, median)");
            Line($"- from choosing the file: first rows on screen after {Latencies.Median(firstRows):0} ms, the whole table ({rows:N0} rows) after {Latencies.Median(whole) / 1000:0.00} s");
            Line("");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private void Line(string text)
    {
        report.WriteLine(text);
        report.Flush();
    }
}
