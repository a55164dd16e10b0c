using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TsvLive.LoadTool;

/// <summary>The server under test: started here as its own process on a loopback port, or one already running.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process? _process;

    private ServerProcess(Uri address, Process? process)
    {
        Address = address;
        _process = process;
    }

    public Uri Address { get; }

    /// <summary>
    /// What the tool changes of the server's production defaults, and only this: a load test sends
    /// far more hub calls a second from one connection than a person would (the page-latency clients
    /// ask page after page), connects thousands of watchers from one address (loopback), and uploads
    /// a file larger than the 1 GiB default limit. Clients that stand for different people connect
    /// from different loopback addresses instead, so the per-address page limit stays as shipped.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["TsvLive:HubCallsPerSecond"] = "100000",
        ["TsvLive:HubConnectionsPerMinute"] = "1000000",
        ["TsvLive:MaxConnectionsPerAddress"] = "1000000",
        ["TsvLive:MaxUploadBytes"] = (2L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Resident memory of the server process in bytes, when it runs on this machine.</summary>
    public long? ResidentBytes
    {
        get
        {
            if (_process is null)
            {
                return null;
            }
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
    }

    public static ServerProcess Existing(Uri address) => new(address, null);

    /// <summary>Starts the Release build of src/TsvLive (built with this tool) on a free loopback port.</summary>
    /// <param name="settings">More settings than <see cref="Settings"/>, such as ConnectionStrings:Redis.</param>
    /// <param name="dll">Another build of the server (the tests give theirs).</param>
    /// <param name="liftPerAddressLimits">False keeps the hub connection limits per address as shipped (the office scenario).</param>
    public static async Task<ServerProcess> StartAsync(
        CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? settings = null, string? dll = null, bool liftPerAddressLimits = true)
    {
        dll ??= Path.Combine(RepoRoot(), "src", "TsvLive", "bin", "Release", "net10.0", "TsvLive.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build the server first: dotnet build -c Release", dll);
        }
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Serilog__MinimumLevel__Default"] = "Warning",
            },
        };
        var lifted = liftPerAddressLimits ? Settings : Settings.Where(s => s.Key is not ("TsvLive:HubConnectionsPerMinute" or "TsvLive:MaxConnectionsPerAddress"));
        foreach (var (key, value) in lifted.Concat(settings ?? new Dictionary<string, string>()))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("The server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("server: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(new Uri($"http://127.0.0.1:{port}/"), process);
        try
        {
            await WaitForHealthAsync(server.Address, "The server", cancellationToken);
        }
        catch (TimeoutException)
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Waits until <c>/healthz</c> at <paramref name="address"/> answers 200 (10 s at most).</summary>
    /// <param name="what">Who is waited for, for the timeout's message.</param>
    internal static async Task WaitForHealthAsync(Uri address, string what, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = address };
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                if ((await http.GetAsync("/healthz", cancellationToken)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException($"{what} did not answer /healthz within 10 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TsvLive.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new DirectoryNotFoundException("Run the load tool from inside the repository.");
    }
}
