using System.Collections.Concurrent;
using System.Diagnostics;

namespace TsvLive.Tests.Fixtures;

/// <summary>
/// The app as its own process (the TsvLive.dll built next to the tests), as a user or a deployment
/// runs it, so a test can stop it gracefully or kill it outright (SIGKILL) and start it again.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;
    private readonly ConcurrentQueue<string> _errors;

    private AppProcess(Process process, Uri address, ConcurrentQueue<string> output, ConcurrentQueue<string> errors)
    {
        _process = process;
        Address = address;
        _output = output;
        _errors = errors;
    }

    public Uri Address { get; }

    /// <summary>The lines the app wrote to standard output so far (its console log).</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>The lines the app wrote to standard error so far.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <param name="settings">More environment variables, such as ConnectionStrings__Redis.</param>
    /// <param name="workingDirectory">Where the app is started from (by default its own folder).</param>
    public static async Task<AppProcess> StartAsync(string dataDirectory, CancellationToken cancellationToken, int? port = null,
        IReadOnlyDictionary<string, string>? settings = null, string? workingDirectory = null)
    {
        var app = Launch(dataDirectory, port ?? FreePort.Next(), settings, workingDirectory);
        using var http = app.CreateHttpClient();
        using var expired = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        expired.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/readyz", expired.Token)).IsSuccessStatusCode)
                {
                    return app;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (app.ExitCode is { } code)
            {
                throw new InvalidOperationException($"The app stopped with exit code {code}: {string.Join('\n', app.Errors)}");
            }
            await Task.Delay(50, expired.Token);
        }
    }

    /// <summary>Starts the app and waits for it to stop on its own (as it must when it cannot start).</summary>
    public static async Task<AppProcess> RunUntilExitAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken, int? port = null)
    {
        var app = Launch("", port ?? FreePort.Next(), settings, workingDirectory: null);
        await app._process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        app._process.WaitForExit(); // the last lines of output
        return app;
    }

    private static AppProcess Launch(string dataDirectory, int port, IReadOnlyDictionary<string, string>? settings, string? workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "TsvLive.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["TsvLive__DataDirectory"] = dataDirectory,
                ["Serilog__MinimumLevel__Default"] = "Warning",
            },
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("The app did not start.");
        var output = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { errors.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AppProcess(process, new Uri($"http://127.0.0.1:{port}/"), output, errors);
    }

    public HttpClient CreateHttpClient() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>SIGKILL: no shutdown code runs, as in a power cut or an out-of-memory kill.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: a graceful stop, as Ctrl+C or a deployment does.</summary>
    public async Task StopAsync()
    {
        using (Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
        }
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }
        _process.Dispose();
    }
}
