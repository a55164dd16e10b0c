using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TsvLive.Tests.Fixtures;

/// <summary>
/// A real redis-server (Debian's) on a free loopback port, with append-only persistence in a
/// directory of its own, as the README tells operators to run it. It can be stopped (SIGTERM, as a
/// restart does) and started again on the same port and files; disposing stops it by PID.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly TemporaryDirectory _directory = new("tsvlive-redis-");
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>StackExchange.Redis syntax, as ConnectionStrings:Redis takes it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken, int? port = null)
    {
        var server = new RedisServer(port ?? FreePort.Next());
        await server.StartAgainAsync(cancellationToken);
        return server;
    }

    /// <summary>Starts the server (again) on the same port and files; returns once it accepts connections.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Installed.RedisServer,
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory.Path,
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no", "--loglevel", "warning",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var expired = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        expired.CancelAfter(TimeSpan.FromSeconds(15));
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port, expired.Token);
                await using var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), expired.Token);
                var buffer = new byte[16];
                if (await stream.ReadAsync(buffer, expired.Token) > 0 && buffer[0] == (byte)'+')
                {
                    return;
                }
            }
            catch (SocketException)
            {
                // not listening yet
            }
            catch (IOException)
            {
                // loading its files
            }
            await Task.Delay(20, expired.Token);
        }
    }

    /// <summary>SIGTERM: Redis writes its append-only file and exits, as in a restart.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }
        using (Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
        }
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        _directory.Dispose();
    }
}
