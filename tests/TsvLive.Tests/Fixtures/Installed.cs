namespace TsvLive.Tests.Fixtures;

/// <summary>
/// Programs some tests need from the machine (Chromium, redis-server, nginx). Where one is missing,
/// those tests report themselves skipped with the reason; on CI (CI=true), where .ci/run installs
/// them, a missing program fails the tests instead.
/// </summary>
public static class Installed
{
    public static bool OnCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The program's path; skips the calling test (or fails it on CI) when it is not installed.</summary>
    public static string Require(string path, string howToInstall)
    {
        if (File.Exists(path))
        {
            return path;
        }
        var reason = $"{Path.GetFileName(path)} not found at {path} ({howToInstall}).";
        if (OnCi)
        {
            Assert.Fail(reason + " CI must run these tests.");
        }
        Assert.Skip(reason);
        return path;
    }

    public static string RedisServer => Require("/usr/bin/redis-server", "apt-get install redis-server");

    public static string Nginx => Require("/usr/sbin/nginx", "apt-get install nginx");

    public static string Curl => Require("/usr/bin/curl", "apt-get install curl");
}
