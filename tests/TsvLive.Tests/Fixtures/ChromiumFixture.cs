using Microsoft.Playwright;

namespace TsvLive.Tests.Fixtures;

/// <summary>
/// Debian's Chromium, driven by Playwright (which never downloads a browser of its own here).
/// Where Chromium is missing the browser tests report themselves skipped with the reason; on CI
/// (CI=true), where .ci/run installs it, a missing Chromium fails them instead (<see cref="Installed"/>).
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("TSVLIVE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium is not running.");

    /// <summary>Skips the calling test (or fails it on CI) when Chromium is not installed.</summary>
    public void RequireChromium()
    {
        if (_browser is not null)
        {
            return;
        }
        Installed.Require(ExecutablePath, "apt-get install chromium, or set TSVLIVE_CHROMIUM");
        throw new InvalidOperationException($"Chromium at {ExecutablePath} did not start.");
    }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            return;
        }
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // As root (CI) Chromium needs --no-sandbox; the rest keeps it off the (closed) network.
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
