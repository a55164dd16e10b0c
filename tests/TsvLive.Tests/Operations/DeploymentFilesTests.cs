using System.Diagnostics;
using System.Text.RegularExpressions;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Operations;

/// <summary>
/// docker-compose.yml as an operator would run it on one host (checked by docker-compose itself; no
/// Docker engine runs here), and the Dockerfile's health check.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static string DockerCompose => Installed.Require("/usr/bin/docker-compose", "apt-get install docker-compose");

    [Fact]
    public async Task TheComposeFileChecksHealthLimitsMemoryAndProtectsRedis()
    {
        var (exit, config, _) = await ComposeConfigAsync(new() { ["REDIS_PASSWORD"] = "a-long-secret" });

        Assert.Equal(0, exit);
        var services = Services(config);
        Assert.Equal(["app1", "app2", "nginx", "redis"], services.Keys.Order());
        Assert.All(services, s =>
        {
            Assert.Contains("    healthcheck:", s.Value, StringComparison.Ordinal);
            Assert.Matches(@"\n    mem_limit: \d+[mg]\n", s.Value);
            Assert.Contains("      driver: json-file", s.Value, StringComparison.Ordinal);
            Assert.Contains("max-size: 10m", s.Value, StringComparison.Ordinal);
        });
        Assert.Contains("- --requirepass\n    - a-long-secret\n", services["redis"], StringComparison.Ordinal);
        Assert.Contains("- --maxmemory\n", services["redis"], StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Redis: redis:6379,password=a-long-secret", services["app1"], StringComparison.Ordinal);
        foreach (var app in new[] { "app1", "app2" })
        {
            Assert.Contains("redis:\n        condition: service_healthy", services[app], StringComparison.Ordinal);
            Assert.Contains("- --probe", services[app], StringComparison.Ordinal);
            // The probe asks 127.0.0.1: it must be an allowed host, or every instance would be unhealthy.
            Assert.Matches(@"AllowedHosts: [^\n]*;127\.0\.0\.1\n", services[app]);
            Assert.Contains("TsvLive__PublicBaseUrl:", services[app], StringComparison.Ordinal);
            Assert.Contains("TsvLive__KnownProxies__0: 172.28.0.10", services[app], StringComparison.Ordinal);
        }
        Assert.Contains("app1:\n        condition: service_healthy", services["nginx"], StringComparison.Ordinal);
        Assert.Contains("ipv4_address: 172.28.0.10", services["nginx"], StringComparison.Ordinal);
        Assert.Contains("- 127.0.0.1:8080:8080/tcp", services["nginx"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheComposeFileRefusesToRunRedisWithoutAPassword()
    {
        var (exit, _, errors) = await ComposeConfigAsync([]);

        Assert.NotEqual(0, exit);
        Assert.Contains("Set REDIS_PASSWORD in .env", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void TheImageChecksItsHealthWithTheAppsOwnProbeAndDeclaresNoVolume()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Repository.Root, "Dockerfile"));

        Assert.Matches(@"\nHEALTHCHECK [^\n]*CMD \[""dotnet"", ""TsvLive.dll"", ""--probe""\]\n", dockerfile);
        Assert.DoesNotMatch(@"\nVOLUME ", dockerfile);
        Assert.DoesNotMatch(@"FROM node:(1\d|20)\b", dockerfile);
    }

    private static async Task<(int Exit, string Output, string Errors)> ComposeConfigAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(DockerCompose, ["-f", Path.Combine(Repository.Root, "docker-compose.yml"), "config"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(), // no .env of a developer's is read
        };
        foreach (var name in new[] { "REDIS_PASSWORD", "REDIS_MAXMEMORY", "TSVLIVE_HOST", "TSVLIVE_PUBLIC_URL", "TSVLIVE_BIND", "TSVLIVE_PORT" })
        {
            start.Environment.Remove(name);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var compose = Process.Start(start)!;
        var output = compose.StandardOutput.ReadToEndAsync();
        var errors = compose.StandardError.ReadToEndAsync();
        await compose.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (compose.ExitCode, await output, await errors);
    }

    /// <summary>Each service's block of the normalized config, by name.</summary>
    private static Dictionary<string, string> Services(string config)
    {
        var services = config[(config.IndexOf("\nservices:\n", StringComparison.Ordinal) + 11)..];
        services = Regex.Split(services, @"\n(?=\S)")[0]; // up to the next top-level key
        return Regex.Matches(services, @"(?ms)^  (\w+):\n(.*?)(?=^  \w+:\n|\z)").ToDictionary(m => m.Groups[1].Value, m => "\n" + m.Groups[2].Value);
    }
}
