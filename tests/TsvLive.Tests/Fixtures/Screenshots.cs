using Microsoft.Playwright;

namespace TsvLive.Tests.Fixtures;

/// <summary>Saves screenshots of the main screens to tests/screenshots/ (or TSVLIVE_SCREENSHOTS) for people to look at.</summary>
public static class Screenshots
{
    public static string Folder { get; } = FindFolder();

    public static Task SaveAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder, name + ".png"), FullPage = true });

    private static string FindFolder()
    {
        if (Environment.GetEnvironmentVariable("TSVLIVE_SCREENSHOTS") is { Length: > 0 } configured)
        {
            return Directory.CreateDirectory(configured).FullName;
        }
        return Directory.CreateDirectory(Path.Combine(Repository.Root, "tests", "screenshots")).FullName;
    }
}
