using System.Diagnostics;
using System.Globalization;

namespace TsvLive.Tests.Fixtures;

/// <summary>
/// scripts/run-cluster.sh as a user runs it: real redis-server, two app processes (the TsvLive.dll
/// built next to the tests) and real nginx in front, over TLS with a self-signed certificate. Stopped
/// with SIGTERM, after which the script stops everything it started, by PID.
/// </summary>
public sealed class ClusterScript : IAsyncLifetime
{
    private Process? _script;

    /// <summary>nginx's address, which users open.</summary>
    public Uri Proxy { get; private set; } = null!;

    public Uri App1 { get; private set; } = null!;

    public Uri App2 { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists("/usr/bin/redis-server") || !File.Exists("/usr/sbin/nginx"))
        {
            return; // each test calls Require and reports why
        }
        var start = new ProcessStartInfo("bash", [Path.Combine(Repository.Root, "scripts", "run-cluster.sh"), "--tls", "--app", Path.Combine(AppContext.BaseDirectory, "TsvLive.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _script = Process.Start(start) ?? throw new InvalidOperationException("run-cluster.sh did not start.");
        var printed = new Dictionary<string, string>();
        using var expired = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (!printed.ContainsKey("TSVLIVE_READY"))
        {
            var line = await _script.StandardOutput.ReadLineAsync(expired.Token)
                ?? throw new InvalidOperationException($"run-cluster.sh stopped: {await _script.StandardError.ReadToEndAsync(expired.Token)}");
            if (line.Split('=', 2) is [var key, var value] && key.StartsWith("TSVLIVE_", StringComparison.Ordinal))
            {
                printed[key] = value;
            }
        }
        (Proxy, App1, App2) = (new Uri(printed["TSVLIVE_URL"]), new Uri(printed["TSVLIVE_APP1"]), new Uri(printed["TSVLIVE_APP2"]));
        _ = _script.StandardOutput.ReadToEndAsync(CancellationToken.None);
        _ = _script.StandardError.ReadToEndAsync(CancellationToken.None);
    }

    /// <summary>Skips the calling test (or fails it on CI) when redis-server or nginx is missing.</summary>
    public void RequireRunning()
    {
        _ = Installed.RedisServer;
        _ = Installed.Nginx;
        if (_script is null)
        {
            throw new InvalidOperationException("The cluster did not start.");
        }
    }

    /// <summary>An HTTP client for nginx (which has a self-signed certificate), its connections from <paramref name="from"/>.</summary>
    public HttpClient ProxyClient(System.Net.IPAddress? from = null)
    {
        var handler = LoadTool.Hub.BoundTo(from ?? System.Net.IPAddress.Loopback);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return new HttpClient(handler) { BaseAddress = Proxy, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        if (_script is { HasExited: false } script)
        {
            using (Process.Start("kill", ["-TERM", script.Id.ToString(CultureInfo.InvariantCulture)]))
            {
            }
            await script.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        _script?.Dispose();
    }
}
