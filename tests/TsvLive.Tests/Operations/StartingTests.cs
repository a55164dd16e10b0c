using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Operations;

/// <summary>
/// The app as an operator starts it (its own process): from any folder it reads its own settings and
/// logs to the console, as text or as JSON lines; a setting it cannot start with is one plain line and
/// exit code 1; a misspelled setting is warned about.
/// </summary>
public sealed class StartingTests : IDisposable
{
    private readonly TemporaryDirectory _elsewhere = new("tsvlive-elsewhere-");
    private readonly TemporaryDirectory _data = new("tsvlive-data-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string> s_informationLevel = new() { ["Serilog__MinimumLevel__Default"] = "Information" };

    [Fact]
    public async Task TheAppStartedFromAnotherFolderReadsItsOwnSettingsAndLogsToTheConsole()
    {
        await using var app = await AppProcess.StartAsync(_data.Path, Ct, settings: s_informationLevel, workingDirectory: _elsewhere.Path);
        using var http = app.CreateHttpClient();
        (await http.GetAsync("/healthz", Ct)).EnsureSuccessStatusCode();

        Assert.True(await Timeouts.Until(() => app.Output.Any(l => l.Contains("HTTP GET /healthz responded 200", StringComparison.Ordinal))),
            "No request was logged:\n" + string.Join('\n', app.Output));
        Assert.Contains(app.Output, l => Regex.IsMatch(l, @"^\[\d\d:\d\d:\d\d INF\] Now listening on: http://127\.0\.0\.1:\d+$"));
        Assert.Contains(app.Output, l => l.EndsWith($"Content root path: {AppContext.BaseDirectory}", StringComparison.Ordinal));
        // appsettings.json (in the app's folder, not this one) keeps ASP.NET Core's own request lines at Warning.
        Assert.DoesNotContain(app.Output, l => l.Contains("Request starting", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_elsewhere.Path));
    }

    [Fact]
    public async Task WithTheJsonLogFormatEveryConsoleLineIsAJsonObject()
    {
        var settings = new Dictionary<string, string>(s_informationLevel) { ["TsvLive__LogFormat"] = "json" };
        await using var app = await AppProcess.StartAsync(_data.Path, Ct, settings: settings);
        using var http = app.CreateHttpClient();
        (await http.GetAsync("/api/tables/AAAAAAAAAAAAAAAAAAAAAA", Ct)).Dispose();

        Assert.True(await Timeouts.Until(() => app.Output.Any(l => l.Contains("/api/tables/AAAAAAAAAAAAAAAAAAAAAA", StringComparison.Ordinal))));
        var events = app.Output.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(events, e => Assert.True(e.TryGetProperty("@t", out _) && e.TryGetProperty("@m", out _), e.ToString()));
        Assert.Contains(events, e => e.GetProperty("@m").GetString()!.StartsWith("Now listening on", StringComparison.Ordinal));
        var request = events.Single(e => e.TryGetProperty("RequestPath", out var path) && path.GetString() == "/api/tables/AAAAAAAAAAAAAAAAAAAAAA");
        Assert.Equal(404, request.GetProperty("StatusCode").GetInt32());
    }

    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "TsvLive__MaxUploadBytes", "0", "Configuration error: TsvLive:MaxUploadBytes (TsvLive__MaxUploadBytes): The value must be at least 1." },
        { "TsvLive__MaxUploadBytes", "ten", "Configuration error: Failed to convert configuration value 'ten' at 'TsvLive:MaxUploadBytes' to type 'System.Int64'." },
        { "TsvLive__LogFormat", "xml", "Configuration error: TsvLive:LogFormat (TsvLive__LogFormat): The value must be text or json." },
        { "TsvLive__DefaultPageSize", "5000", "Configuration error: TsvLive:DefaultPageSize must not exceed TsvLive:MaxPageSize." },
        // A time out of its range (the validator once crashed on a range of times instead of saying this).
        { "TsvLive__VersionCheckInterval", "00:00:00.010", "Configuration error: TsvLive:VersionCheckInterval (TsvLive__VersionCheckInterval): The field VersionCheckInterval must be between 00:00:00.1000000 and 01:00:00." },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task ABadSettingIsOnePlainLineAndExitCode1(string key, string value, string line)
    {
        await using var app = await AppProcess.RunUntilExitAsync(new Dictionary<string, string> { [key] = value }, Ct);

        Assert.Equal(1, app.ExitCode);
        Assert.Equal([line], app.Errors.Where(l => l.Length > 0));
        Assert.DoesNotContain(app.Output, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADataDirectoryTheAppCannotCreateIsNamedInOneLine()
    {
        var file = Path.Combine(_elsewhere.Path, "a-file");
        await File.WriteAllTextAsync(file, "not a folder", Ct);

        await using var app = await AppProcess.RunUntilExitAsync(new Dictionary<string, string> { ["TsvLive__DataDirectory"] = Path.Combine(file, "data") }, Ct);

        Assert.Equal(1, app.ExitCode);
        var line = Assert.Single(app.Errors, l => l.Length > 0);
        Assert.StartsWith($"Configuration error: TsvLive:DataDirectory (TsvLive__DataDirectory) is {Path.Combine(file, "data")}, which the app cannot use:", line, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Output, l => l.Contains("Exception", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APortInUseIsNamedInOneLine()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var app = await AppProcess.RunUntilExitAsync(new Dictionary<string, string>(), Ct, port);

        Assert.Equal(1, app.ExitCode);
        var line = Assert.Single(app.Errors, l => l.Length > 0);
        Assert.StartsWith($"Configuration error: Failed to bind to address http://127.0.0.1:{port}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMisspelledSettingIsWarnedAboutWithTheOneItLikelyMeant()
    {
        await using var app = await AppProcess.StartAsync(_data.Path, Ct, settings: new Dictionary<string, string> { ["TsvLive__MaxUplodBytes"] = "5" });

        Assert.True(await Timeouts.Until(() => app.Output.Any(l => l.Contains("TsvLive:MaxUplodBytes is not a TsvLive setting and is ignored. Did you mean TsvLive:MaxUploadBytes?", StringComparison.Ordinal))),
            string.Join('\n', app.Output));
    }

    [Fact]
    public async Task TheProbeSaysWhetherTheAppAnswersItsHealthCheck()
    {
        await using var app = await AppProcess.StartAsync(_data.Path, Ct);

        Assert.Equal(0, await ProbeAsync(new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://+:{app.Address.Port}" }));
        Assert.Equal(0, await ProbeAsync(new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = app.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        Assert.Equal(0, await ProbeAsync([], new Uri(app.Address, "/healthz").ToString()));
        Assert.Equal(1, await ProbeAsync([], new Uri(app.Address, "/no-such-page").ToString()));
        Assert.Equal(1, await ProbeAsync(new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture) }));
    }

    /// <summary>The exit code of <c>dotnet TsvLive.dll --probe [url]</c>.</summary>
    private static async Task<int> ProbeAsync(Dictionary<string, string> environment, string? url = null)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "TsvLive.dll"), "--probe", .. url is null ? Array.Empty<string>() : [url]])
        {
            RedirectStandardOutput = true,
        };
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var probe = System.Diagnostics.Process.Start(start)!;
        await probe.StandardOutput.ReadToEndAsync(Ct);
        await probe.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        return probe.ExitCode;
    }

    public void Dispose()
    {
        _elsewhere.Dispose();
        _data.Dispose();
    }
}
