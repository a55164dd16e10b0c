using System.Diagnostics;
using System.Net.Sockets;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Cluster;

/// <summary>
/// scripts/run-cluster.sh in a terminal (a pseudo-terminal made by util-linux's script): Ctrl+C (SIGINT to
/// the terminal's foreground process group) stops it and everything it started, quietly and with exit
/// code 0, as a person expects of Ctrl+C.
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
        // SIGINT as a terminal session has it: not ignored, even when this test runs as a background job
        // (a shell starts those with SIGINT ignored, and a shell never traps a signal ignored on entry).
        using var terminal = Process.Start(new ProcessStartInfo("env", ["--default-signal=INT", script, "--quiet", "--return", "--command", command, "/dev/null"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        var printed = new List<string>();
        string rest;
        try
        {
            using var expired = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            expired.CancelAfter(TimeSpan.FromSeconds(90));
            while (!printed.Contains("TSVLIVE_READY=1"))
            {
                printed.Add((await terminal.StandardOutput.ReadLineAsync(expired.Token) ?? throw new InvalidOperationException(string.Join('\n', printed))).TrimEnd('\r'));
            }

            // Ctrl+C as the terminal delivers it: SIGINT to its foreground process group (the script's).
            // (Writing ^C into script(1) did the same, except now and then under load, when it never
            // reached the terminal.)
            await InterruptAsync(ForegroundGroupOf(terminal.Id));
            var reading = terminal.StandardOutput.ReadToEndAsync(Ct);
            if (await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(45), Ct)) != reading)
            {
                Assert.Fail($"The cluster was still running 45 s after Ctrl+C. Printed:\n{string.Join('\n', printed)}\nProcesses:\n{await ProcessesAsync()}");
            }
            rest = await reading;
            await terminal.WaitForExitAsync(Ct);
        }
        finally
        {
            if (!terminal.HasExited)
            {
                terminal.Kill(entireProcessTree: true); // nothing of a failed run is left to disturb other tests
            }
        }
        var apps = printed.Where(l => l.StartsWith("TSVLIVE_APP", StringComparison.Ordinal)).Select(l => new Uri(l.Split('=', 2)[1])).ToList();

        Assert.Equal(0, terminal.ExitCode);
        Assert.DoesNotContain("stopped", rest, StringComparison.Ordinal);
        Assert.Equal(2, apps.Count);
        foreach (var app in apps)
        {
            using var probe = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(app.Host, app.Port, Ct).AsTask());
        }
    }

    /// <summary>The process group of script(1)'s child: the terminal's session leader, its foreground group.</summary>
    private static int ForegroundGroupOf(int scriptPid)
    {
        var child = File.ReadAllText($"/proc/{scriptPid}/task/{scriptPid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Single();
        var stat = File.ReadAllText($"/proc/{child}/stat");
        // pid (comm) state ppid pgrp …: the fields after the command's closing parenthesis.
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task InterruptAsync(int processGroup)
    {
        using var kill = Process.Start("kill", ["-INT", "--", $"-{processGroup}"])!;
        await kill.WaitForExitAsync(Ct);
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Every process with its parent, group, session and state: what a hang left running.</summary>
    private static async Task<string> ProcessesAsync()
    {
        using var ps = Process.Start(new ProcessStartInfo("ps", ["-eo", "pid,ppid,pgid,sid,stat,args"]) { RedirectStandardOutput = true })!;
        var listing = await ps.StandardOutput.ReadToEndAsync(Ct);
        await ps.WaitForExitAsync(Ct);
        return listing;
    }
}
