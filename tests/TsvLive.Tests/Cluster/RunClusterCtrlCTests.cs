using System.Diagnostics;
using System.Net.Sockets;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Cluster;

/// <summary>
/// scripts/run-cluster.sh in a terminal (a pseudo-terminal made by util-linux's script): Ctrl+C stops
/// it and everything it started, quietly and with exit code 0, as a person expects of Ctrl+C.
/// </summary>
public sealed class RunClusterCtrlCTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CtrlCInTheTerminalStopsTheClusterQuietly()
    {
        _ = Installed.RedisServer;
        _ = Installed.Nginx;
        var script = Installed.Require("/usr/bin/script", "apt-get install bsdutils");
        // exec: the script is the terminal's only process, as when a person starts it from their shell.
        // Without it, script(1)'s shell ($SHELL, else /bin/sh: dash on Debian) waits in the same
        // process group and dies of the Ctrl+C itself (exit 130), whatever the script does.
        var command = $"exec bash {Path.Combine(Repository.Root, "scripts", "run-cluster.sh")} --app {Path.Combine(AppContext.BaseDirectory, "TsvLive.dll")}";
        using var terminal = Process.Start(new ProcessStartInfo(script, ["--quiet", "--return", "--command", command, "/dev/null"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        var printed = new List<string>();
        using var expired = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        expired.CancelAfter(TimeSpan.FromSeconds(90));
        while (!printed.Contains("TSVLIVE_READY=1"))
        {
            printed.Add((await terminal.StandardOutput.ReadLineAsync(expired.Token) ?? throw new InvalidOperationException(string.Join('\n', printed))).TrimEnd('\r'));
        }
        var apps = printed.Where(l => l.StartsWith("TSVLIVE_APP", StringComparison.Ordinal)).Select(l => new Uri(l.Split('=', 2)[1])).ToList();

        await terminal.StandardInput.WriteAsync('\x03'); // what the terminal sends for Ctrl+C
        await terminal.StandardInput.FlushAsync(Ct);
        var rest = await terminal.StandardOutput.ReadToEndAsync(expired.Token);
        await terminal.WaitForExitAsync(expired.Token);

        Assert.Equal(0, terminal.ExitCode);
        Assert.DoesNotContain("stopped", rest, StringComparison.Ordinal);
        Assert.Equal(2, apps.Count);
        foreach (var app in apps)
        {
            using var probe = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(app.Host, app.Port, Ct).AsTask());
        }
    }
}
